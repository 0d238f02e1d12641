using System.CommandLine;
using System.CommandLine.Help;
using PeerNet.Cli.Commands;

namespace PeerNet.Cli;

/// <summary>The <c>peernet</c> command line: builds the command tree and runs one command line against a console.</summary>
public static class PeerNetCli
{
    /// <summary>The root command and every command under it, writing to <paramref name="console"/>.</summary>
    public static Command Build(CliConsole console)
    {
        var global = new GlobalOptions(console);
        // A command named peernet rather than a RootCommand, which takes its name from the entry assembly (PeerNet.Cli) for help's usage lines.
        var root = new Command("peernet", "peernet: drive a PeerNet node through its REST API. Exit codes: 0 ok, 1 the node answered an error, " +
            "2 usage, 3 the node is unreachable, 130 interrupted.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        global.AddTo(root);
        root.Subcommands.Add(NodeCommand.Build(global, console));
        root.Subcommands.Add(NodesCommand.Build(global, console));
        root.Subcommands.Add(StatsCommand.Build(global, console));
        foreach (var command in ConnectionsCommands.Build(global, console))
            root.Subcommands.Add(command);
        root.Subcommands.Add(AnnounceCommand.Build(global, console));
        root.Subcommands.Add(ListenCommand.Build(global, console));
        root.Subcommands.Add(TopicsCommand.Build(global, console));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code (<see cref="ExitCodes"/>). A usage error prints why and returns 2.</summary>
    public static async Task<int> InvokeAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var parse = Build(console).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                await console.Error.WriteLineAsync("error: " + error.Message);
            await console.Error.WriteLineAsync("Run 'peernet --help' (or 'peernet COMMAND --help') for usage.");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // Ctrl+C cancels the command's token; only the real process's console owns the signals (tests run many CLIs in one process).
            ProcessTerminationTimeout = ReferenceEquals(console, CliConsole.System) ? TimeSpan.FromSeconds(2) : null,
        }, cancellationToken);
    }
}
