using System.CommandLine;

namespace PeerNet.Cli.Commands;

/// <summary><c>peernet nodes list|add|remove|sample</c>: the node's known addresses.</summary>
internal static class NodesCommand
{
    /// <summary>Page size when listing: the API's largest, so a long list takes few requests.</summary>
    private const int PageSize = 1000;

    public static Command Build(GlobalOptions global, CliConsole console)
    {
        var nodes = new Command("nodes", "The node's known addresses.");
        nodes.Subcommands.Add(List(global, console));
        nodes.Subcommands.Add(Change("add", "Save addresses (ws://, wss://, tcp://); an invalid one refuses the whole batch.", global, console,
            (client, addresses, ct) => client.Nodes.SaveAsync(addresses, ct), n => $"saved {n} new"));
        nodes.Subcommands.Add(Change("remove", "Remove addresses and their stats; node exchange will not learn them again for a while.", global, console,
            (client, addresses, ct) => client.Nodes.RemoveAsync(addresses, ct), n => $"removed {n}"));
        nodes.Subcommands.Add(Sample(global, console));
        return nodes;
    }

    private static Command List(GlobalOptions global, CliConsole console)
    {
        var max = new Option<int?>("--max") { Description = "Print at most this many addresses (default: all)." };
        var command = new Command("list", "Print the known addresses, one per line.") { max };
        return command.Runs(global, console, async context =>
        {
            var left = context.Get(max) ?? int.MaxValue;
            await foreach (var address in context.Client.Nodes.ListAllAsync(Math.Min(PageSize, Math.Max(1, left)), context.CancellationToken))
            {
                if (left-- <= 0)
                    break;
                context.Printer.Result(new { address }, a => a.address);
            }
            return ExitCodes.Ok;
        });
    }

    private static Command Change(string name, string description, GlobalOptions global, CliConsole console,
        Func<Client.PeerNetClient, IReadOnlyList<string>, CancellationToken, Task<int>> change, Func<int, string> text)
    {
        var addresses = new Argument<string[]>("addresses") { Description = "One or more addresses, such as ws://10.1.2.3:5000/peer.", Arity = ArgumentArity.OneOrMore };
        var command = new Command(name, description) { addresses };
        return command.Runs(global, console, async context =>
        {
            var count = await change(context.Client, context.Get(addresses), context.CancellationToken);
            context.Printer.Result(new Dictionary<string, int> { [name == "add" ? "saved" : "removed"] = count }, _ => text(count));
            return ExitCodes.Ok;
        });
    }

    private static Command Sample(GlobalOptions global, CliConsole console)
    {
        var n = new Option<int?>("--n", "-n") { Description = "How many (default 10)." };
        var command = new Command("sample", "A random sample of recently verified addresses (for bootstrapping another node).") { n };
        return command.Runs(global, console, async context =>
        {
            foreach (var address in await context.Client.Nodes.SampleAsync(context.Get(n), context.CancellationToken))
                context.Printer.Result(new { address }, a => a.address);
            return ExitCodes.Ok;
        });
    }
}
