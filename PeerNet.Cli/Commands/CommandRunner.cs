using System.CommandLine;
using PeerNet.Cli.Output;
using PeerNet.Client;

namespace PeerNet.Cli.Commands;

/// <summary>Runs a command's body with a client of the node, and turns what can go wrong into a message and an exit code.</summary>
internal static class CommandRunner
{
    public static T Runs<T>(this T command, GlobalOptions global, CliConsole console, Func<CommandContext, Task<int>> body, bool interruptIsDone = false)
        where T : Command
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            var printer = new Printer(console, parse.GetValue(global.Json));
            var url = parse.GetValue(global.Url);
            try
            {
                using var client = global.CreateClient(parse);
                return await body(new CommandContext(parse, client, printer, cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return interruptIsDone ? ExitCodes.Ok : ExitCodes.Interrupted;
            }
            catch (PeerNetApiException ex)
            {
                printer.Note("error: " + ex.Message);
                foreach (var (field, messages) in ex.Errors)
                    printer.Note($"  {field}: {string.Join(" ", messages)}");
                if (ex.RetryAfter is { } wait)
                    printer.Note($"  retry after {wait.TotalSeconds:0.#} s");
                return ExitCodes.ApiError;
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null)
            {
                printer.Note($"error: cannot reach the node at {url}: {ex.Message}");
                return ExitCodes.Unreachable;
            }
            catch (TaskCanceledException)
            {
                // Not our token: the HttpClient's timeout.
                printer.Note($"error: the node at {url} did not answer in time.");
                return ExitCodes.Unreachable;
            }
            catch (IOException ex)
            {
                printer.Note($"error: the connection to the node at {url} broke: {ex.Message}");
                return ExitCodes.Unreachable;
            }
        });
        return command;
    }
}
