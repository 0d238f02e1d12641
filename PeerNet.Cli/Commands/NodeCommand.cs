using System.CommandLine;

namespace PeerNet.Cli.Commands;

/// <summary><c>peernet node</c>: who the node is (GET /api/node). Running a node is PeerNet.Host's job.</summary>
internal static class NodeCommand
{
    public static Command Build(GlobalOptions global, CliConsole console) =>
        new Command("node", "Show the node: id, version, advertised addresses, connections, known addresses.")
            .Runs(global, console, async context =>
            {
                var node = await context.Client.Node.GetAsync(context.CancellationToken);
                context.Printer.Result(node, n => string.Join(Environment.NewLine,
                    $"id          {n.Id}",
                    $"version     {n.Version}",
                    $"addresses   {(n.Addresses.Count == 0 ? "(none advertised)" : string.Join(" ", n.Addresses))}",
                    $"connections {n.Connections}",
                    $"known       {n.Known}"));
                return ExitCodes.Ok;
            });
}
