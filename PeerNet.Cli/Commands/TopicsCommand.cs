using System.CommandLine;
using System.Globalization;
using PeerNet.Client;

namespace PeerNet.Cli.Commands;

/// <summary><c>peernet topics join|leave|list|find</c>: register the application's addresses in a topic, and find its members.</summary>
internal static class TopicsCommand
{
    public static Command Build(GlobalOptions global, CliConsole console)
    {
        var topics = new Command("topics", "Topics: applications register their own addresses under a name and find each other's (PeerNet never dials them).");
        topics.Subcommands.Add(Join(global, console));
        topics.Subcommands.Add(Leave(global, console));
        topics.Subcommands.Add(List(global, console));
        topics.Subcommands.Add(Find(global, console));
        return topics;
    }

    private static Argument<string> TopicArgument() => new("topic") { Description = "The topic's name, such as chat." };

    private static Argument<string[]> AddressesArgument() =>
        new("addresses") { Description = "The application's own addresses (opaque text of 1-255 bytes, such as tcp://10.1.2.3:7000).", Arity = ArgumentArity.OneOrMore };

    private static Command Join(GlobalOptions global, CliConsole console)
    {
        var topic = TopicArgument();
        var addresses = AddressesArgument();
        var ttl = new Option<int?>("--ttl") { Description = "Seconds the members stay without renewal, 1 to 1200 (default 300)." };
        var renew = new Option<bool>("--renew") { Description = "Keep renewing at half the ttl until interrupted (Ctrl+C), then leave the topic; exit 0." };
        var command = new Command("join", "Add addresses to a topic on the node, or renew them: prints added, renewed and when they expire. " +
            "Without --renew they go once their ttl passes.") { topic, addresses, ttl, renew };
        return command.Runs(global, console, async context =>
        {
            var name = context.Get(topic);
            var given = context.Get(addresses);
            var seconds = context.Get(ttl);
            if (!context.Get(renew))
            {
                var joined = await context.Client.Topics.JoinAsync(name, given, Seconds(seconds), context.CancellationToken);
                PrintJoined(context, joined);
                return ExitCodes.Ok;
            }
            var membership = await context.Client.Topics.StayJoinedAsync(name, given, Seconds(seconds) ?? TimeSpan.FromSeconds(300), context.CancellationToken);
            await using (membership)
            {
                PrintJoined(context, membership.Joined);
                context.Printer.Note($"renewing every {(seconds ?? 300) / 2.0:0.#} s; Ctrl+C leaves the topic");
                await Task.Delay(Timeout.Infinite, context.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            context.Printer.Note($"left {name}");
            return ExitCodes.Ok;
        });
    }

    private static Command Leave(GlobalOptions global, CliConsole console)
    {
        var topic = TopicArgument();
        var addresses = AddressesArgument();
        var command = new Command("leave", "Remove addresses from a topic on the node: prints how many were members.") { topic, addresses };
        return command.Runs(global, console, async context =>
        {
            var removed = await context.Client.Topics.LeaveAsync(context.Get(topic), context.Get(addresses), context.CancellationToken);
            context.Printer.Result(new { removed }, r => $"removed {r.removed}");
            return ExitCodes.Ok;
        });
    }

    private static Command List(GlobalOptions global, CliConsole console)
    {
        var command = new Command("list", "The topics the node holds members of: one line per member (topic, address, owner, expiry); --json: one object per topic.");
        return command.Runs(global, console, async context =>
        {
            foreach (var topic in await context.Client.Topics.ListAsync(context.CancellationToken))
            {
                context.Printer.Result(topic, t => string.Join(Environment.NewLine,
                    t.Members.Select(m => $"{t.Topic} {m.Address} {m.Owner ?? "-"} expires {m.ExpiresAt:u}")));
            }
            return ExitCodes.Ok;
        });
    }

    private static Command Find(GlobalOptions global, CliConsole console)
    {
        var topic = TopicArgument();
        var max = new Option<int?>("--max", "-n") { Description = "Stop as soon as this many members are in, 1 to 100 (default 10)." };
        var timeout = new Option<TimeSpan?>("--timeout") { Description = "How long to look: 500ms, 10s, 1m or milliseconds (default 2s, at most 60s).", CustomParser = Duration.Parse };
        var command = new Command("find", "Find a topic's members in the network and print each as it arrives (text: address, node id, age; --json: one object per line). " +
            "Exits 0 as soon as --max are in, or at --timeout with those found (none: a note on standard error).") { topic, max, timeout };
        return command.Runs(global, console, async context =>
        {
            var count = 0;
            await foreach (var member in context.Client.Topics.FindAsync(context.Get(topic), context.Get(max), context.Get(timeout), context.CancellationToken))
            {
                count++;
                context.Printer.Result(member, m => $"{m.Address} {m.NodeId} {m.AgeSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s");
            }
            if (count == 0)
                context.Printer.Note("no members found");
            return ExitCodes.Ok;
        });
    }

    private static TimeSpan? Seconds(int? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private static void PrintJoined(CommandContext context, TopicJoined joined) =>
        context.Printer.Result(joined, j => $"joined {j.Topic}: {j.Added} added, {j.Renewed} renewed, expires {j.ExpiresAt:u}");
}
