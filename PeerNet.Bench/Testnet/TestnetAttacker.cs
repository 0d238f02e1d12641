using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PeerNet.Protocol;

namespace PeerNet.Bench.Testnet;

/// <summary>
/// <c>testnet-attacker --targets URL,URL --spoof ID,ID [--conns C] [--stuck S] [--source IP] [--seed N]</c> (hidden,
/// started by <see cref="TestnetBench"/>): the one hostile process of <c>testnet --attack</c>. Against every target
/// it holds C handshaken sessions (eclipse: many inbound connections from one source; their ids spoofed from the
/// given ones, the testnet's own nodes', two in three, else random) that answer the node's _addrs requests with fake
/// addresses (poisoning, <see cref="FakeAddresses"/>), and S connections that never finish their handshake. All from
/// <c>--source</c>, a loopback address of its own (default 127.0.0.2): a hostile host in the open has its own IP,
/// and on loopback every honest node connects from 127.0.0.1. Says <c>ready</c> once every slot has tried once,
/// stops when stdin ends, and prints its counters as one JSON line.
/// </summary>
internal static class TestnetAttacker
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var targets = (args.Text("targets") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => new Uri(t)).ToList();
        var spoof = (args.Text("spoof") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(h => NodeId.Read(Convert.FromHexString(h))).ToList();
        var conns = args.Int("conns", 8);
        var stuck = args.Int("stuck", 4);
        var source = IPAddress.Parse(args.Text("source") ?? "127.0.0.2");
        var random = new Random(args.Int("seed", 1));
        // Traffic stays on this machine: loopback targets and source only.
        if (!IPAddress.IsLoopback(source) || targets.Any(t => !IPAddress.TryParse(t.Host, out var ip) || !IPAddress.IsLoopback(ip)))
            throw new ArgumentException("the attacker attacks loopback addresses from a loopback address only");

        using var poison = new FakeAddresses(source, ports: 32, seed: random.Next());
        using var handler = HostileSession.BoundTo(source);
        using var invoker = new HttpMessageInvoker(handler);
        using var stop = new CancellationTokenSource();
        var counters = new AttackCounters();
        NodeId Identity()
        {
            lock (random)
            {
                if (spoof.Count > 0 && random.Next(3) < 2)
                    return spoof[random.Next(spoof.Count)];
                var bytes = new byte[ProtocolLimits.NodeIdLength];
                random.NextBytes(bytes);
                return NodeId.Read(bytes);
            }
        }

        var sessions = targets.SelectMany(t => Enumerable.Range(0, conns + stuck)
            .Select(k => new HostileSession(t, invoker, Identity, stuck: k >= conns, poison, counters))).ToList();
        var running = sessions.Select(s => Task.Run(() => s.RunAsync(stop.Token))).ToList();
        var clock = Stopwatch.StartNew();
        while (Interlocked.Read(ref counters.Attempts) < sessions.Count && clock.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(50);
        Console.WriteLine("ready");
        Console.Error.WriteLine($"testnet-attacker: {sessions.Count} slots against {targets.Count} nodes from {source}: {counters.Open} sessions open");

        var input = Console.In.ReadToEndAsync(); // the bench closes our stdin to stop us
        while (!input.IsCompleted)
        {
            await Task.WhenAny(input, Task.Delay(5000));
            Console.Error.WriteLine($"testnet-attacker: {counters.Open} sessions open, {counters.Handshakes} handshakes, {counters.Refused} refused, {counters.AddressesSent} fake addresses sent");
        }
        await stop.CancelAsync();
        await Task.WhenAll(running);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            source = source.ToString(),
            targets = targets.Count,
            sessionsPerTarget = conns,
            stuckPerTarget = stuck,
            attempts = counters.Attempts,
            handshakes = counters.Handshakes,
            refused = counters.Refused,
            dropped = counters.Dropped,
            stuckConnections = counters.Stuck,
            addressesSent = counters.AddressesSent,
        }));
        return 0;
    }
}
