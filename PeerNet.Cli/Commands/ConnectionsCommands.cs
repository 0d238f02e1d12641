using System.CommandLine;

namespace PeerNet.Cli.Commands;

/// <summary><c>peernet connections</c>, <c>connect ADDR</c>, <c>disconnect ADDR|PEERID</c>: the node's handshaken peers.</summary>
internal static class ConnectionsCommands
{
    public static IEnumerable<Command> Build(GlobalOptions global, CliConsole console)
    {
        yield return new Command("connections", "List the handshaken peers: direction, address (inbound: -), peer id, transport, since.")
            .Runs(global, console, async context =>
            {
                foreach (var connection in await context.Client.Connections.ListAsync(context.CancellationToken))
                {
                    context.Printer.Result(connection, c =>
                        $"{c.Direction,-8} {c.Address ?? "-"} {c.PeerId} {c.Transport}{(!c.PeerNet ? " original" : c.Verified ? "" : " unverified")} since {c.Since:u}");
                }
                return ExitCodes.Ok;
            });

        var address = new Argument<string>("address") { Description = "The address to dial, such as ws://10.1.2.3:5000/peer." };
        yield return new Command("connect", "Dial an address; prints the peer's id after the handshake (1 when it fails or is already connected).") { address }
            .Runs(global, console, async context =>
            {
                var connected = await context.Client.Connections.ConnectAsync(context.Get(address), context.CancellationToken);
                context.Printer.Result(connected, c => $"connected {c.Address} {c.PeerId}");
                return ExitCodes.Ok;
            });

        var target = new Argument<string>("target") { Description = "The address dialled (outbound), or the peer's 32-hex-character id (any)." };
        yield return new Command("disconnect", "Close a connection (1 when not connected).") { target }
            .Runs(global, console, async context =>
            {
                var value = context.Get(target);
                if (IsPeerId(value))
                    await context.Client.Connections.DisconnectPeerAsync(value, context.CancellationToken);
                else
                    await context.Client.Connections.DisconnectAsync(value, context.CancellationToken);
                context.Printer.Result(new { disconnected = value }, _ => $"disconnected {value}");
                return ExitCodes.Ok;
            });
    }

    private static bool IsPeerId(string value) => value.Length == 32 && value.All(Uri.IsHexDigit);
}
