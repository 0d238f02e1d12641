using System.Collections.Concurrent;
using System.Diagnostics;
using PeerNet.Gossip.Announcing;
using PeerNet.Peers;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Healing;

/// <summary>
/// A network heals without an operator, on real hosts over loopback: two networks that share one stored address
/// merge (feelers find the address, rotation links the halves), and a network restarted all at once reconnects from
/// its stored tables alone.
/// </summary>
public sealed class HealingTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The feeler interval of these tests; bounds are stated in it.</summary>
    private const int FeelerMs = 250;

    /// <summary>The merge happens within this many feeler intervals (measured here: see the test's output).</summary>
    private const int MergeWithinFeelerIntervals = 240;

    /// <summary>How long a network may take to form: ten hosts start on two cores.</summary>
    private static readonly TimeSpan Formation = TimeSpan.FromSeconds(60);

    private readonly TestCluster _cluster = new();
    private readonly ConcurrentDictionary<TestNode, ConcurrentDictionary<string, byte>> _heard = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<TestNode> StartAsync(string name, int? port, int connections, int rotateMs, int feelerMs = FeelerMs)
    {
        var node = await _cluster.StartAsync(new TestNodeOptions
        {
            Name = name,
            HttpPort = port,
            Advertise = true, // a loopback network: each node knows its own address, and gossip keeps loopback ones
            Settings = new Dictionary<string, string?>
            {
                ["PeerNet:Bootstrap"] = "true",
                ["PeerNet:Connections"] = connections.ToString(),
                ["PeerNet:Interval"] = "250",
                ["PeerNet:Purge"] = "0",
                ["PeerNet:FeelerInterval"] = feelerMs.ToString(),
                ["PeerNet:RotateInterval"] = rotateMs.ToString(),
            },
        });
        var heard = _heard[node] = new ConcurrentDictionary<string, byte>();
        node.Node.RequestReceived += r => heard.TryAdd(r.DataText ?? "", 0);
        return node;
    }

    /// <summary>Announces from <paramref name="from"/> until one announce reaches every other node of <paramref name="all"/>.</summary>
    private async Task<int> AnnounceUntilAllHearAsync(TestNode from, IReadOnlyList<TestNode> all, TimeSpan within, string because)
    {
        var round = 0;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var data = $"{because} {++round}";
            await foreach (var _ in from.Node.AnnounceAsync(AnnounceMessage.Create("heal", data), TimeSpan.FromMilliseconds(1),
                TestContext.Current.CancellationToken))
            {
            }
            var reached = await Wait.PollAsync(() => all.Where(n => n != from).All(n => _heard[n].ContainsKey(data)), TimeSpan.FromSeconds(2));
            if (reached)
                return round;
            Assert.True(watch.Elapsed < within,
                $"{because}: no announce reached every node within {within}; reached {all.Count(n => n != from && _heard[n].ContainsKey(data))} of {all.Count - 1}");
        }
    }

    [Fact]
    public async Task TwoFiveNodeNetworks_ThatShareOneStoredAddress_MergeIntoOne()
    {
        var a = new List<TestNode>();
        var b = new List<TestNode>();
        for (var i = 0; i < 5; i++)
        {
            a.Add(await StartAsync($"a{i}", port: null, connections: 2, rotateMs: 4 * FeelerMs));
            b.Add(await StartAsync($"b{i}", port: null, connections: 2, rotateMs: 4 * FeelerMs));
        }
        foreach (var half in new[] { a, b })
        {
            foreach (var node in half)
                await node.Node.SaveAsync(half.Where(n => n != node).Select(n => n.PeerAddress), TestContext.Current.CancellationToken);
        }
        // Each half forms on its own first, and a0's outbound is full: bootstrap alone would never dial out of it.
        string Links() => string.Join(", ", a.Select((n, i) => ($"a{i}", n)).Concat(b.Select((n, i) => ($"b{i}", n))).Select(p =>
            $"{p.Item1} {p.n.Node.Connections().Count(c => c.Direction == PeerDirection.Outbound)} out/{p.n.Node.Connections().Count(c => c.Direction == PeerDirection.Inbound)} in"));
        try
        {
            await _cluster.UntilAsync(() => _cluster.Running.All(n => n.Node.Connections().Count >= 1)
                && a[0].Node.Connections().Count(c => c.Direction == PeerDirection.Outbound) >= 2,
                "every node holds a peer, and a0 its two outbound links", Formation);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Links then: {Links()}", ex); // which rule kept the network from forming
        }
        Assert.All(a, n => Assert.DoesNotContain(n.Node.Connections(), c => b.Any(x => x.PeerAddress == c.Address)));

        // One node of one half learns one address of the other.
        var dials = _cluster.Running.Select(n => n.Services.Collect("peernet.dials")).ToList();
        var rotated = _cluster.Running.Select(n => n.Services.Collect("peernet.connections.rotated")).ToList();
        var watch = Stopwatch.StartNew();
        await a[0].Node.SaveAsync([b[0].PeerAddress], TestContext.Current.CancellationToken);
        var rounds = await AnnounceUntilAllHearAsync(b[4], [.. a, .. b],
            TimeSpan.FromMilliseconds(MergeWithinFeelerIntervals * FeelerMs), "merged");
        var feelers = dials.Sum(d => d.Sum("purpose", "feeler"));
        var rotations = rotated.Sum(r => r.Sum());
        output.WriteLine($"merged after {watch.Elapsed.TotalSeconds:0.0} s ({watch.Elapsed.TotalMilliseconds / FeelerMs:0} feeler intervals), "
            + $"{rounds} announce rounds, {feelers} feelers, {rotations} rotations");
        // Bootstrap alone never dials out of a full outbound: it was the healing that linked the halves.
        Assert.True(feelers + rotations > 0, "feelers or rotations ran");
        foreach (var collector in dials.Concat(rotated))
            collector.Dispose();
    }

    [Fact]
    public async Task EightNodesRestartedAtOnce_ReconnectFromTheirStoredTablesAlone()
    {
        // Rotation off: the restart is what is tested, and a quiet topology shows it is the stored tables that heal.
        var nodes = new List<TestNode>();
        for (var i = 0; i < 8; i++)
            nodes.Add(await StartAsync($"n{i}", port: null, connections: 3, rotateMs: 0));
        // A ring plus one chord each: connected, but no node knows everyone.
        for (var i = 0; i < 8; i++)
            await nodes[i].Node.SaveAsync([nodes[(i + 1) % 8].PeerAddress, nodes[(i + 3) % 8].PeerAddress], TestContext.Current.CancellationToken);
        await _cluster.UntilAsync(() => nodes.All(n => n.Node.Connections().Count >= 3), "every node holds three peers", Formation);
        await AnnounceUntilAllHearAsync(nodes[0], nodes, TimeSpan.FromSeconds(20), "before the restart");

        var ports = nodes.Select(n => n.BaseAddress.Port).ToList();
        await Task.WhenAll(nodes.Select(n => _cluster.StopAsync(n)));
        var restarted = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => StartAsync($"n{i}", ports[i], connections: 3, rotateMs: 0)));

        await _cluster.UntilAsync(() => restarted.All(n => n.Node.Connections().Count >= 3),
            "every restarted node holds three peers again", Formation);
        await AnnounceUntilAllHearAsync(restarted[0], restarted, TimeSpan.FromSeconds(20), "after the restart");
    }

    [Fact]
    public async Task AfterARestart_TheNodeDialsItsAnchorsFirst()
    {
        IReadOnlyList<TestNode> peers = await _cluster.StartAsync(4); // b, c, d, e: no bootstrap of their own
        // No feelers: their short links would count as outbound here.
        var x = await StartAsync("x", port: null, connections: 2, rotateMs: 0, feelerMs: 0);
        peers = [.. peers.OrderBy(p => p.PeerAddress, StringComparer.Ordinal)];
        await x.Node.SaveAsync([peers[0].PeerAddress, peers[1].PeerAddress], TestContext.Current.CancellationToken);
        await _cluster.UntilAsync(() => Outbound(x).SetEquals([peers[0].PeerAddress, peers[1].PeerAddress]), "x holds b and c");
        // Two more addresses: a sample alone would pick b and c again only one time in six.
        await x.Node.SaveAsync([peers[2].PeerAddress, peers[3].PeerAddress], TestContext.Current.CancellationToken);

        var port = x.BaseAddress.Port;
        await _cluster.StopAsync(x);
        var restarted = await StartAsync("x", port, connections: 2, rotateMs: 0, feelerMs: 0);

        await _cluster.UntilAsync(() => Outbound(restarted).Count == 2, "the restarted node holds two outbound peers");
        Assert.Equal([peers[0].PeerAddress, peers[1].PeerAddress], Outbound(restarted).Order(), StringComparer.Ordinal);
    }

    private static HashSet<string> Outbound(TestNode node) =>
        [.. node.Node.Connections().Where(c => c.Direction == PeerDirection.Outbound).Select(c => c.Address!)];
}
