using System.CommandLine;
using PeerNet.Cli.Listening;
using PeerNet.Cli.Output;
using PeerNet.Client;

namespace PeerNet.Cli.Commands;

/// <summary><c>peernet listen</c>: print the requests the node receives, or answer each with a command's output (as Serf's event handlers).</summary>
internal static class ListenCommand
{
    public static Command Build(GlobalOptions global, CliConsole console)
    {
        var type = new Option<string?>("--type", "-t") { Description = "Only requests of this type." };
        var exec = new Option<string?>("--exec", "-e")
        {
            Description = "Answer each request with this shell command's standard output (sh -c; cmd /c on Windows). It gets the request's data on " +
                "standard input and in PEERNET_DATA (PEERNET_DATA_BASE64 for bytes), and PEERNET_TYPE, PEERNET_ID, PEERNET_HOPS, PEERNET_LIMIT, " +
                $"PEERNET_HANDLE. Exit 0 replies (the first {ExecHandler.MaxOutputBytes} bytes); any other exit code sends no reply.",
        };
        var execTimeout = new Option<TimeSpan?>("--exec-timeout")
        {
            Description = "Kill a command that runs longer than this and send no reply (default 10s).",
            CustomParser = Duration.Parse,
        };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Commands run at once at most (default 4); further requests wait for one to finish.",
            DefaultValueFactory = _ => 4,
        };
        parallel.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
                result.AddError("--parallel must be 1 to 64.");
        });
        var command = new Command("listen", "Print each request the node receives (text: type and data), and with --exec answer it. Runs until Ctrl+C.")
        {
            type, exec, execTimeout, parallel,
        };
        return command.Runs(global, console, async context =>
        {
            var handler = context.Get(exec) is { } line ? new ExecHandler(line, context.Get(execTimeout) ?? ExecHandler.DefaultTimeout) : null;
            await using var subscription = await context.Client.Requests.SubscribeAsync(context.Get(type), context.CancellationToken);
            context.Printer.Note($"listening for {(context.Get(type) is { } t ? $"'{t}' requests" : "requests")} on {context.Parse.GetValue(global.Url)}" +
                (handler is null ? "" : ", answering with: " + context.Get(exec)));
            var options = new ParallelOptions { MaxDegreeOfParallelism = context.Get(parallel), CancellationToken = context.CancellationToken };
            await Parallel.ForEachAsync(subscription.ReadAllAsync(context.CancellationToken), options, async (request, cancellationToken) =>
            {
                context.Printer.Result(request, r => $"{r.Type ?? "-"} {r.Data ?? "base64:" + r.DataBase64}");
                if (handler is not null)
                    await AnswerAsync(context.Client, context.Printer, handler, request, cancellationToken);
            });
            context.Printer.Note("error: the node ended the request stream (stopping?).");
            return ExitCodes.Unreachable;
        }, interruptIsDone: true);
    }

    private static async Task AnswerAsync(PeerNetClient client, Printer printer, ExecHandler handler, IncomingRequest request, CancellationToken cancellationToken)
    {
        var outcome = await handler.RunAsync(request, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            printer.Note($"request {request.Id}: {failure}; no reply sent.");
            return;
        }
        if (outcome.Truncated)
            printer.Note($"request {request.Id}: the command printed more than {ExecHandler.MaxOutputBytes} bytes; the reply carries the first {ExecHandler.MaxOutputBytes}.");
        try
        {
            await client.Requests.ReplyAsync(request.Handle, Reply.Of(outcome.Output), cancellationToken);
        }
        catch (PeerNetApiException ex)
        {
            // One lost answer (an expired handle, a peer gone) must not end the listener.
            printer.Note($"request {request.Id}: reply refused: {ex.Message}");
        }
    }
}
