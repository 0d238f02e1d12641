using System.Net;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Gossip;
using PeerNet.Gossip.Announcing;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Announcing;

/// <summary>
/// Threat H6 performed from outside: a raw peer X floods node B of a chain A—B—C with unique request ids. B drops
/// X's excess over its per-peer budget and counts it, disconnects X once it persists, and A's announce still gets
/// C's reply through B. An honest relay passing a flood on (hops 1) loses its excess but is never disconnected.
/// </summary>
public sealed class RequestFloodTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly IPAddress Attacker = IPAddress.Parse("10.66.0.1"); // in-memory only: nothing dials it
    private readonly MemoryNet _net = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<MemoryNode> _nodes = [];
    private long _nextId;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.Get<GossipEngine>().StopAsync(CancellationToken.None);
        await _net.DisposeAsync();
    }

    /// <summary>A node on virtual time with small budgets: 1000 new requests a second, 3 s of overrun tolerated.</summary>
    private async Task<MemoryNode> AddAsync(string address, Action<PeerNetOptions>? configure = null, bool virtualTime = true)
    {
        var node = await _net.AddAsync(address, o =>
        {
            o.Bootstrap = false;
            o.Interval = 0;
            o.Purge = 0;
            o.HandshakeTimeout = 60_000;
            o.OriginRequestRate = o.OriginRequestBurst = 1000;
            o.RelayedRequestRate = o.RelayedRequestBurst = 1000;
            o.OriginFloodSeconds = 3;
            configure?.Invoke(o);
        }, virtualTime ? _time : null);
        await node.Get<GossipEngine>().StartAsync(CancellationToken.None);
        _nodes.Add(node);
        return node;
    }

    /// <summary><paramref name="count"/> unique requests with <paramref name="hops"/>, as one write.</summary>
    private byte[] Flood(int count, uint hops)
    {
        var frames = new MemoryStream();
        for (var i = 0; i < count; i++)
        {
            var id = ByteString.CopyFrom(BitConverter.GetBytes(Interlocked.Increment(ref _nextId)));
            frames.Write(FrameWriter.ToFrame(new Message { Request = new Announce { Id = id, Hops = hops, Type = ByteString.CopyFromUtf8("flood") } }));
        }
        return frames.ToArray();
    }

    private static async Task<IncomingRequest> NextAsync(RequestSubscription subscription)
    {
        await using var reader = subscription.ReadAllAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Patience, TestContext.Current.CancellationToken));
        return reader.Current;
    }

    /// <summary>A—B—C: A dials B, C dials B.</summary>
    private async Task<(MemoryNode A, MemoryNode B, MemoryNode C)> ChainAsync(Action<PeerNetOptions>? configureB = null, bool virtualTime = true)
    {
        var a = await AddAsync("tcp://a:1", virtualTime: virtualTime);
        var b = await AddAsync("tcp://b:1", configureB, virtualTime);
        var c = await AddAsync("tcp://c:1", virtualTime: virtualTime);
        await a.ConnectAsync(b, TestContext.Current.CancellationToken);
        await c.ConnectAsync(b, TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => b.Network.Count == 2 && a.Network.Count == 1 && c.Network.Count == 1, Patience, "A—B—C connected");
        return (a, b, c);
    }

    [Fact]
    public async Task APeerFloodingOriginatedIds_IsDroppedPastItsBudget_ThenDisconnected_WhileAnotherPeersReplyStillRoutes()
    {
        var (a, b, c) = await ChainAsync();
        await using var x = _net.Raw(b, from: Attacker, id: NodeId.Read(Enumerable.Repeat((byte)0x66, 16).ToArray()));
        await x.HandshakeAsync();
        await Wait.UntilAsync(() => b.Network.Count == 3, Patience, "X is handshaken at B");
        using var dropped = b.Services.Collect("peernet.messages.dropped");
        using var hits = b.Services.Collect("peernet.limit.hits");
        using var received = b.Services.Collect("peernet.announces.received");
        using var questions = c.Node.SubscribeRequests("question");

        // A announces; C has the request. Then X floods B for three virtual seconds at three times its budget.
        await using var answers = a.Node.AnnounceAsync(AnnounceMessage.Create("question", "q"), TimeSpan.FromHours(1), TestContext.Current.CancellationToken)
            .GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var reply = answers.MoveNextAsync().AsTask();
        var question = await NextAsync(questions);
        long sent = 0;
        for (var second = 0; second < 3; second++)
        {
            await x.SendAsync(Flood(3000, hops: 0));
            sent += 3000;
            var expected = sent;
            // Each request is taken (delivered at B) or dropped for X's budget, or X has been closed.
            await Wait.UntilAsync(() => received.Sum() - 1 + dropped.Sum("reason", "origin_rate") == expected || b.Network.Count < 3, Patience, $"B handled second {second}");
            if (second < 2)
                Assert.Equal(3, b.Network.Count); // overrunning for a second or two is tolerated
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Third second over budget: X is gone. Each second it got its bucket (1000); the rest was dropped and counted,
        // until its first drop of the third second closed it (what it had queued behind that is ignored).
        Assert.True(await x.ClosedWithinAsync(Patience), "X was disconnected");
        await Wait.UntilAsync(() => b.Network.Count == 2, Patience, "X left B's peers");
        Assert.Equal(2 * 2000 + 1, dropped.Sum("reason", "origin_rate"));
        Assert.Equal(2 * 2000 + 1, hits.Sum("limit", "origin_requests"));
        Assert.Equal(3 * 1000 + 1, received.Sum()); // X's admitted ids and A's question

        // C answers A's question now: B still knows it came from A.
        Assert.True(await question.ReplyAsync("answer", TestContext.Current.CancellationToken));
        Assert.True(await reply.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal("answer", answers.Current.DataText);
        Assert.Equal(2, b.Network.Count); // A and C were never touched

        // X comes back from the same address: on probation, its first overrun closes it at once.
        await using var again = _net.Raw(b, from: Attacker, id: NodeId.Read(Enumerable.Repeat((byte)0x67, 16).ToArray()));
        await again.HandshakeAsync();
        await Wait.UntilAsync(() => b.Network.Count == 3, Patience, "X is back");
        await again.SendAsync(Flood(10, hops: 0));
        Assert.True(await again.ClosedWithinAsync(Patience), "X on probation was disconnected at its first overrun");
    }

    [Fact]
    public async Task AnHonestRelayPassingAFloodOn_LosesOnlyItsExcess_AndIsNeverDisconnected()
    {
        var b = await AddAsync("tcp://b:1");
        await using var relay = _net.Raw(b, from: Attacker);
        await relay.HandshakeAsync();
        await Wait.UntilAsync(() => b.Network.Count == 1, Patience, "the relay is handshaken");
        using var dropped = b.Services.Collect("peernet.messages.dropped");
        using var received = b.Services.Collect("peernet.announces.received");

        long sent = 0;
        for (var second = 0; second < 6; second++) // twice as long as an originating flooder is tolerated
        {
            await relay.SendAsync(Flood(3000, hops: 1));
            sent += 3000;
            var expected = sent;
            await Wait.UntilAsync(() => received.Sum() + dropped.Sum("reason", "relayed_rate") == expected, Patience, $"B handled second {second}");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(6 * 2000, dropped.Sum("reason", "relayed_rate"));
        Assert.Equal(6 * 1000, received.Sum());
        Assert.Equal(0, dropped.Sum("reason", "origin_rate"));
        Assert.Equal(1, b.Network.Count);
        Assert.False(await relay.ClosedWithinAsync(TimeSpan.FromMilliseconds(200)), "the relay is still connected");
    }

    [Fact]
    public async Task DuplicatesOfSeenIds_SpendNoBudget()
    {
        var b = await AddAsync("tcp://b:1");
        await using var peer = _net.Raw(b, from: Attacker);
        await peer.HandshakeAsync();
        await Wait.UntilAsync(() => b.Network.Count == 1, Patience, "handshaken");
        using var dropped = b.Services.Collect("peernet.messages.dropped");
        var same = FrameWriter.ToFrame(new Message { Request = new Announce { Id = ByteString.CopyFromUtf8("same"), Hops = 0, Type = ByteString.CopyFromUtf8("flood") } });
        var frames = new MemoryStream();
        for (var i = 0; i < 5000; i++)
            frames.Write(same);
        await peer.SendAsync(frames.ToArray());
        await Wait.UntilAsync(() => b.Node.Announces.Dissemination.DuplicatesReceived == 4999, Patience, "every copy was handled");
        Assert.Equal(0, dropped.Sum("reason", "origin_rate"));
    }

    [Fact]
    public async Task AFloodPastTheOriginCache_EvictsOnlyTheFloodersOwnRoutes_AnotherPeersReplyStillRoutes()
    {
        // The budgets are raised out of the way at B: this is the cache share behind them (real time, no overrun).
        var (a, b, c) = await ChainAsync(AnnounceScaleTests.Unlimited, virtualTime: false);
        await using var x = _net.Raw(b, from: Attacker, id: NodeId.Read(Enumerable.Repeat((byte)0x68, 16).ToArray()));
        await x.HandshakeAsync();
        await Wait.UntilAsync(() => b.Network.Count == 3, Patience, "X is handshaken at B");
        using var received = b.Services.Collect("peernet.announces.received");
        using var dropped = b.Services.Collect("peernet.messages.dropped");
        using var questions = c.Node.SubscribeRequests("question");

        await using var answers = a.Node.AnnounceAsync(AnnounceMessage.Create("question", "q"), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)
            .GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var reply = answers.MoveNextAsync().AsTask();
        var question = await NextAsync(questions);

        // More unique ids than B keeps origins for, in parts that fit X's share of the router queue.
        const int part = 15_000;
        long sent = 0;
        while (received.Sum() - 1 < PeerNetLimits.OriginCapacity + part)
        {
            await x.SendAsync(Flood(part, hops: 0));
            sent += part;
            var expected = sent;
            await Wait.UntilAsync(() => received.Sum() - 1 + dropped.Sum("reason", "router_queue_peer_quota") == expected, Patience, "B took the part in");
        }
        var routes = b.Node.Announces;
        Assert.Equal(PeerNetLimits.OriginCapacity, routes.Origins); // full: X's new ids evicted X's own old ones

        Assert.True(await question.ReplyAsync("answer", TestContext.Current.CancellationToken));
        Assert.True(await reply.WaitAsync(Patience, TestContext.Current.CancellationToken), "A got C's reply through B");
        Assert.Equal("answer", answers.Current.DataText);
    }
}
