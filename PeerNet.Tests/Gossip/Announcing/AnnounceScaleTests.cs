using PeerNet.Protocol;
using Google.Protobuf;
using PeerNet.Gossip;
using PeerNet.Gossip.Announcing;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Announcing;

/// <summary>What a busy node costs: copies per announce at a hub, and memory under a flood of unique ids.</summary>
public sealed class AnnounceScaleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly MemoryNet _net = new();
    private readonly List<MemoryNode> _nodes = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.Get<GossipEngine>().StopAsync(CancellationToken.None);
        await _net.DisposeAsync();
    }

    private async Task<MemoryNode> AddAsync(string address, Action<PeerNetOptions>? configure = null)
    {
        var node = await _net.AddAsync(address, o => { o.Bootstrap = false; o.Interval = 0; o.Purge = 0; configure?.Invoke(o); });
        await node.Get<GossipEngine>().StartAsync(CancellationToken.None);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Request budgets far above any test's flood, for tests about what lies behind them.</summary>
    internal static void Unlimited(PeerNetOptions o)
    {
        o.OriginRequestRate = o.OriginRequestBurst = 100_000_000;
        o.RelayedRequestRate = o.RelayedRequestBurst = 100_000_000;
    }

    [Fact]
    public async Task AHubWith50PeerNetPeers_SendsABoundedNumberOfCopiesPerAnnounce_AndEveryoneGetsEach()
    {
        var hub = await AddAsync("tcp://hub:1");
        var leaves = new List<MemoryNode>();
        for (var i = 0; i < 50; i++)
            leaves.Add(await AddAsync($"tcp://leaf{i}:1"));
        var random = new Random(7);
        foreach (var (leaf, i) in leaves.Select((l, i) => (l, i)))
        {
            await leaf.ConnectAsync(hub, TestContext.Current.CancellationToken);
            // Each leaf also dials two other leaves: the hub is not the only way round.
            foreach (var j in Enumerable.Range(0, 50).Where(j => j != i).OrderBy(_ => random.Next()).Take(2))
            {
                try { await leaf.ConnectAsync(leaves[j], TestContext.Current.CancellationToken); }
                catch (PeerNet.Peers.PeerConnectException) { } // j dialled i already
            }
        }
        await Wait.UntilAsync(() => hub.Network.Count == 50, Patience, "the hub holds 50 peers");
        var received = new long[_nodes.Count];
        foreach (var (node, i) in _nodes.Select((n, i) => (n, i)))
            node.Node.RequestReceived += _ => Interlocked.Increment(ref received[i]);

        async Task AnnounceFromLeafAsync(int round)
        {
            var announcer = _nodes.IndexOf(leaves[round % leaves.Count]);
            await foreach (var _ in leaves[round % leaves.Count].Node.AnnounceAsync(AnnounceMessage.Create("round", round.ToString()), TimeSpan.FromMilliseconds(1)))
            {
            }
            await Wait.UntilAsync(() => Enumerable.Range(0, _nodes.Count).All(i => i == announcer || Interlocked.Read(ref received[i]) >= CountFor(i, round, announcer)),
                Patience, $"announce {round} reached all 51 nodes");
        }
        long CountFor(int node, int round, int announcer) => round + 1 - AnnouncedBy(node, round);
        long AnnouncedBy(int node, int round) => Enumerable.Range(0, round + 1).Count(r => _nodes.IndexOf(leaves[r % leaves.Count]) == node);

        // The first announces flood and prune the links the tree does not need.
        for (var round = 0; round < 3; round++)
            await AnnounceFromLeafAsync(round);
        long Copies(MemoryNode node) => node.Node.Announces.Dissemination.CopiesSent;
        var copiesBefore = Copies(hub);
        var allCopiesBefore = _nodes.Sum(Copies);
        const int measured = 10;
        for (var round = 3; round < 3 + measured; round++)
            await AnnounceFromLeafAsync(round);
        var copiesPerAnnounce = (double)(Copies(hub) - copiesBefore) / measured;
        var allCopiesPerAnnounce = (double)(_nodes.Sum(Copies) - allCopiesBefore) / measured;

        output.WriteLine($"hub copies per announce: {copiesPerAnnounce:0.0} of {allCopiesPerAnnounce:0.0} in all; control frames: {hub.Node.Announces.Dissemination.ControlFramesSent}");
        var settings = hub.Node.Announces.Settings;
        // The hub's eager links are capped (Fanout) and it serves a few GRAFTs per id (ServeBudget). Nothing makes it
        // forward at all: the tree may reach every leaf around it, so its own count has no lower bound but 0.
        Assert.True(copiesPerAnnounce <= settings.Fanout + settings.ServeBudget, $"the hub sent {copiesPerAnnounce:0.0} copies per announce");
        // Every one of the 50 other nodes got each announce, and only a full copy (a push or a GRAFT answer) brings it.
        Assert.True(allCopiesPerAnnounce >= 50, $"{allCopiesPerAnnounce:0.0} copies per announce reached 50 nodes");
        Assert.Equal(13, Interlocked.Read(ref received[0])); // the hub's own application saw each exactly once
    }

    [Fact]
    public async Task APeerAskingForReportsOfManyAnnounces_FillsAtMostTheAckBatchBound()
    {
        // Virtual time: no batch is sent before the flood is in, so the bound is what holds them.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var node = await _net.AddAsync("tcp://reported:1", o => { o.Bootstrap = false; o.Interval = 0; o.Purge = 0; o.HandshakeTimeout = 60_000; }, time);
        node.Get<AnnounceRouter>().Start();
        await using var asker = _net.Raw(node);
        await asker.HandshakeAsync();
        await Wait.UntilAsync(() => node.Network.Count == 1, Patience, "handshaken");
        using var received = node.Services.Collect("peernet.announces.received");
        using var dropped = node.Services.Collect("peernet.responses.dropped");

        const int reported = AckBatcher.MaxOpenBatches + 500;
        var frames = new MemoryStream();
        for (var i = 0; i < reported; i++)
            frames.Write(PeerNet.Protocol.FrameWriter.ToFrame(new Message { Request = new Announce { Id = ByteString.CopyFrom(BitConverter.GetBytes((long)i)), Hops = 0, Type = ByteString.CopyFromUtf8("r"), Report = true } }));
        await asker.SendAsync(frames.ToArray());

        await Wait.UntilAsync(() => received.Sum() == reported, Patience, "every reported request was delivered");
        Assert.Equal(500, dropped.Sum("reason", "ack_batches_full")); // past the bound, acks are dropped and counted
        Assert.Equal(1, node.Network.Count);
    }

    [Fact]
    public async Task APeerFloodingTheRouter_FillsOnlyItsShareOfTheQueue_AnotherPeersRequestStillGetsThrough()
    {
        var node = await AddAsync("tcp://target:1", Unlimited);
        await using var flooder = _net.Raw(node, id: NodeId.Read(Enumerable.Repeat((byte)0x71, 16).ToArray()));
        await using var honest = _net.Raw(node, id: NodeId.Read(Enumerable.Repeat((byte)0x72, 16).ToArray()));
        await flooder.HandshakeAsync();
        await honest.HandshakeAsync();
        await Wait.UntilAsync(() => node.Network.Count == 2, Patience, "both are handshaken");
        using var requests = node.Node.SubscribeRequests("honest");
        using var dropped = node.Services.Collect("peernet.messages.dropped");

        var frames = new MemoryStream();
        for (var i = 0; i < 100_000; i++)
            frames.Write(PeerNet.Protocol.FrameWriter.ToFrame(new Message { Request = new Announce { Id = ByteString.CopyFrom(BitConverter.GetBytes((long)i)), Hops = 0, Type = ByteString.CopyFromUtf8("flood") } }));
        await flooder.SendAsync(frames.ToArray());
        await honest.SendAsync(new Message { Request = new Announce { Id = ByteString.CopyFromUtf8("honest-1"), Hops = 0, Type = ByteString.CopyFromUtf8("honest") } });

        var reader = requests.ReadAllAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal("honest-1", System.Text.Encoding.UTF8.GetString(reader.Current.Id.Span));
        Assert.Equal(0, dropped.Sum("reason", "router_queue_full")); // the flooder never reached the whole queue
        await reader.DisposeAsync();
    }

    [Fact]
    public async Task APeerFloodingUniqueRequestIds_LeavesTheCachesAtTheirBounds()
    {
        // The per-peer request budget is raised out of the way: this is about the caches behind it.
        var node = await AddAsync("tcp://target:1", Unlimited);
        await using var flooder = _net.Raw(node);
        await flooder.HandshakeAsync();
        await Wait.UntilAsync(() => node.Network.Count == 1, Patience, "the flooder is handshaken");

        const int flood = 100_000;
        var frames = new MemoryStream();
        for (var i = 0; i < flood; i++)
        {
            var frame = PeerNet.Protocol.FrameWriter.ToFrame(new Message
            {
                Request = new Announce { Id = ByteString.CopyFrom(BitConverter.GetBytes((long)i)), Hops = 0, Type = ByteString.CopyFromUtf8("flood") },
            });
            frames.Write(frame);
        }
        using var received = node.Services.Collect("peernet.announces.received");
        using var dropped = node.Services.Collect("peernet.messages.dropped");
        using var hits = node.Services.Collect("peernet.limit.hits");
        await flooder.SendAsync(frames.ToArray());

        var router = node.Node.Announces;
        long Dropped() => dropped.Sum("reason", "router_queue_full") + dropped.Sum("reason", "router_queue_peer_quota");
        // Each unique id is dropped at the router's queue or taken; a taken one is counted once its origin is remembered.
        await Wait.UntilAsync(() => received.Sum() + Dropped() == flood, Patience, "the router took in the flood");
        // Each taken id is marked seen and its origin remembered. The caches hold the newest up to their capacity
        // (nothing expires within the test) and evict the rest, each eviction a hit of its bound.
        var taken = received.Sum();
        Assert.Equal(Math.Min(taken, router.Settings.SeenCapacity), router.SeenRequests);
        Assert.Equal(Math.Max(0, taken - router.Settings.SeenCapacity), router.Dissemination.SeenEvictions);
        Assert.Equal(router.Dissemination.SeenEvictions, hits.Sum("limit", "seen_ids"));
        Assert.Equal(Math.Min(taken, PeerNetLimits.OriginCapacity), router.Origins);
        Assert.Equal(Math.Max(0, taken - PeerNetLimits.OriginCapacity), hits.Sum("limit", "origins"));
        Assert.Equal(Dropped(), hits.Sum("limit", "router_queue") + hits.Sum("limit", "router_queue_peer"));
        Assert.Equal(0, dropped.Sum("reason", "router_queue_full")); // one peer alone never reaches the whole queue
        // The flood (100,000 > 65,536) went past a bound whichever way it was split between the queue and the caches.
        Assert.True(router.Dissemination.SeenEvictions + Dropped() >= flood - router.Settings.SeenCapacity);
        Assert.Equal(1, node.Network.Count); // the node still serves its peer
    }
}
