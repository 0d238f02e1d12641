using System.CommandLine;

namespace PeerNet.Cli.Commands;

/// <summary><c>peernet stats ADDR</c>: connection statistics of one address.</summary>
internal static class StatsCommand
{
    public static Command Build(GlobalOptions global, CliConsole console)
    {
        var address = new Argument<string>("address") { Description = "The address, such as ws://10.1.2.3:5000/peer." };
        var command = new Command("stats", "Connection statistics of an address: dials that succeeded and failed, addresses exchanged.") { address };
        return command.Runs(global, console, async context =>
        {
            var stats = await context.Client.Nodes.GetStatsAsync(context.Get(address), context.CancellationToken);
            context.Printer.Result(stats, s => string.Join(Environment.NewLine,
                $"address      {s.Address}",
                $"connections  ok {s.Connections.Ok}, fail {s.Connections.Fail}",
                $"nodes        rx {s.Nodes.Rx}, tx {s.Nodes.Tx}"));
            return ExitCodes.Ok;
        });
    }
}
