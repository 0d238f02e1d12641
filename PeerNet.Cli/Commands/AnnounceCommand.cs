using System.CommandLine;
using PeerNet.Client;

namespace PeerNet.Cli.Commands;

/// <summary><c>peernet announce</c>: ask the network, print each reply as it arrives.</summary>
internal static class AnnounceCommand
{
    public static Command Build(GlobalOptions global, CliConsole console)
    {
        var type = new Option<string?>("--type", "-t") { Description = "The request's type (such as search); sidecars subscribe by it." };
        var data = new Option<string?>("--data", "-d") { Description = "The payload as text (at most 1024 bytes)." };
        var dataBase64 = new Option<string?>("--data-base64") { Description = "The payload as base64, for bytes that are not text." };
        var timeout = new Option<TimeSpan?>("--timeout") { Description = "How long to wait for replies: 500ms, 10s, 1m (default 2s, at most 60s).", CustomParser = Duration.Parse };
        var max = new Option<int?>("--max", "-n") { Description = "Stop as soon as this many replies are in." };
        var limit = new Option<uint?>("--limit") { Description = "Highest hop count a node accepts it with (0: the node's limit)." };
        var id = new Option<string?>("--id") { Description = "The request id in hex (random when absent)." };
        var report = new Option<bool>("--report") { Description = "Ask for a delivery report; its summary (nodes reached, coverage) is printed on standard error at the end." };
        var command = new Command("announce", "Announce a request to the network and print each reply as it arrives (text: its data, one per line).")
        {
            type, data, dataBase64, timeout, max, limit, id, report,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(data) is not null && result.GetResult(dataBase64) is not null)
                result.AddError("give at most one of --data and --data-base64.");
        });
        return command.Runs(global, console, async context =>
        {
            var announcement = new Announcement
            {
                Id = context.Get(id),
                Type = context.Get(type),
                Data = context.Get(data),
                DataBase64 = context.Get(dataBase64),
                Limit = context.Get(limit),
                Report = context.Get(report) ? true : null,
            };
            var count = 0;
            var stream = context.Client.Announces.AnnounceAsync(announcement, context.Get(timeout), context.Get(max), context.CancellationToken);
            await foreach (var reply in stream)
            {
                count++;
                context.Printer.Result(reply, r => r.Data ?? "base64:" + r.DataBase64);
            }
            if (count == 0)
                context.Printer.Note("no replies");
            if (stream.Summary is { } summary)
            {
                context.Printer.Note($"announce {summary.Id}: reached {summary.Reached} PeerNet nodes" +
                    (summary.Coverage is { } coverage ? $" ({coverage:P0} of the last census)" : "") + $", {summary.DroppedForwards} copies dropped");
            }
            return ExitCodes.Ok;
        });
    }
}
