using System.Net;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Peers;

/// <summary>
/// The inbound caps and eviction (threat H2), attacked from outside with raw peers: inbound connections can fill
/// neither the outbound slots nor, by crowding from a few prefixes, the room of a peer from elsewhere.
/// </summary>
public sealed class InboundCapsTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    private static IPAddress Ip(string text) => IPAddress.Parse(text);

    private static NodeId Id(int i) => NodeId.Read(BitConverter.GetBytes((long)i + 1).Concat(new byte[8]).ToArray());

    // Inbound connections may fill MaxPeers less the outbound slots; this node's own dials keep those slots, and the
    // pending-handshake cap counts inbound handshakes only, so neither cap lets inbound connections stop a dial.
    [Fact]
    public async Task InboundFillsAtMostMaxPeersLessTheOutboundSlots_DialsStillGetTheirs()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.MaxPeers = 3; o.OutboundSlots = 1; o.HandshakeTimeout = 60_000; });
        var b = await _net.AddAsync("tcp://b:1");
        var c = await _net.AddAsync("tcp://c:1");
        var d = await _net.AddAsync("tcp://d:1");
        using var refusals = a.Services.Collect("peernet.connections.refused");
        await b.ConnectAsync(a, TestContext.Current.CancellationToken);
        await using var pending = _net.Raw(a); // inbound, stays in its handshake
        await Wait.UntilAsync(() => a.Network.Count == 1 && a.Network.OpenConnections == 2, Patience, "b is a peer, one handshake pending");

        // Inbound is full at 3 - 1; a newcomer from the pending one's own source is refused rather than evicting it.
        await using var refused = _net.Raw(a);
        Assert.True(await refused.ClosedWithinAsync(Patience));
        Assert.Equal((1, 1), (refusals.Sum(), refusals.Sum("reason", "peer_cap")));

        await a.ConnectAsync(c, TestContext.Current.CancellationToken); // the outbound slot
        Assert.Equal((2, 1), (a.Network.Count, a.Network.OutboundCount));
        var ex = await Assert.ThrowsAsync<PeerConnectException>(() => a.ConnectAsync(d, TestContext.Current.CancellationToken));
        Assert.Equal(PeerConnectFailure.CapReached, ex.Failure); // MaxPeers is the total
        Assert.Contains("MaxPeers", ex.Message);
        Assert.Equal((2, 2), (refusals.Sum(), refusals.Sum("reason", "peer_cap")));
        Assert.Null(a.Network.Peers[0].CloseReason); // existing peers untouched
    }

    [Fact]
    public async Task PendingInboundHandshakesAtTheirCap_EvictTheOldestOfTheCrowdedSource_NeverADial()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.MaxPendingHandshakes = 2; o.HandshakeTimeout = 60_000; });
        var b = await _net.AddAsync("tcp://b:1");
        using var refusals = a.Services.Collect("peernet.connections.refused");
        using var evictions = a.Services.Collect("peernet.connections.evicted");
        await using var stuck1 = _net.Raw(a); // never finish their handshakes
        await using var stuck2 = _net.Raw(a);
        await Wait.UntilAsync(() => a.Network.OpenConnections == 2, Patience, "two pending handshakes");
        await using var third = _net.Raw(a); // the same source as both: refused, not evicting
        Assert.True(await third.ClosedWithinAsync(Patience));
        Assert.Equal(1, refusals.Sum("reason", "pending_cap"));

        await using var elsewhere = _net.Raw(a, Ip("127.0.0.2")); // another source: the oldest pending one goes
        Assert.Equal("_hello", (await elsewhere.ReadAsync(Patience))!.Request.Type.ToStringUtf8());
        Assert.True(await stuck1.ClosedWithinAsync(Patience));
        Assert.Equal(1, evictions.Sum("reason", "pending"));
        await Wait.UntilAsync(() => a.Network.OpenConnections == 2, Patience, "the evicted one is forgotten");

        var peer = await a.ConnectAsync(b, TestContext.Current.CancellationToken); // dials have their own budget
        Assert.True(peer.IsHandshaken);
        Assert.Equal(1, a.Network.OutboundCount);
    }

    [Fact]
    public async Task PerPrefixCap_AppliesToOneSourcePrefix_EachLoopbackAddressIsItsOwnSource()
    {
        // Virtual time: no handshake times out, so every connection still open at the end was accepted, not spared.
        var a = await _net.AddAsync("tcp://a:1", o => { o.MaxConnectionsPerPrefix = 2; o.MaxConnectionsPerLoopbackAddress = 3; o.HandshakeTimeout = 30_000; },
            new FakeTimeProvider());
        using var refusals = a.Services.Collect("peernet.connections.refused");
        await using var one = _net.Raw(a, Ip("10.1.2.3"));
        await using var two = _net.Raw(a, Ip("10.1.2.3"));
        await using var three = _net.Raw(a, Ip("10.1.2.77")); // another IP of the same /24
        Assert.True(await three.ClosedWithinAsync(Patience));
        await using var mapped = _net.Raw(a, Ip("::ffff:10.1.2.9")); // IPv4-mapped: the same /24 again
        Assert.True(await mapped.ClosedWithinAsync(Patience));
        await using var six1 = _net.Raw(a, Ip("2001:db8:1:2::1"));
        await using var six2 = _net.Raw(a, Ip("2001:db8:1:2:ffff::2"));
        await using var six3 = _net.Raw(a, Ip("2001:db8:1:2:abcd::3")); // the same /64
        Assert.True(await six3.ClosedWithinAsync(Patience));
        Assert.Equal(3, refusals.Sum("reason", "prefix_cap"));

        await using var other = _net.Raw(a, Ip("10.1.3.1")); // the next /24
        await using var local1 = _net.Raw(a);
        await using var local2 = _net.Raw(a);
        await using var local3 = _net.Raw(a);
        await using var local4 = _net.Raw(a); // loopback is not exempt: its own cap
        Assert.True(await local4.ClosedWithinAsync(Patience));
        await using var local5 = _net.Raw(a, Ip("127.0.0.2")); // another loopback address, another source
        // Accepted: the node opened a session and says hello on it (a refused connection is closed before either).
        Assert.Equal("_hello", (await local5.ReadAsync(Patience))!.Request.Type.ToStringUtf8());
        Assert.Equal(9, a.Network.OpenConnections);
        Assert.Equal(4, refusals.Sum("reason", "prefix_cap"));
    }

    // Attack: 136 connections that never finish _hello, from four loopback addresses (the pending cap is 128), held
    // open with no timeout (virtual time). An honest peer from a fifth address still gets in, and so does a dial out.
    [Fact]
    public async Task NeverFinishingHandshakes_FromSeveralAddresses_DoNotKeepAnHonestPeerOrADialOut()
    {
        var a = await _net.AddAsync("tcp://a:1", o => o.HandshakeTimeout = 60_000, new FakeTimeProvider());
        var b = await _net.AddAsync("tcp://b:1");
        using var evictions = a.Services.Collect("peernet.connections.evicted");
        var attackers = new List<ScriptedPeer>();
        try
        {
            for (var i = 0; i < 136; i++)
                attackers.Add(_net.Raw(a, Ip($"127.0.0.{2 + i % 4}")));
            Assert.Equal(128, a.Network.OpenConnections); // the rest refused: each came from a most crowded source

            await using var honest = _net.Raw(a, Ip("127.0.0.9"), Id(1));
            await honest.HandshakeAsync();
            await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "the honest peer is handshaken");
            Assert.Equal(1, evictions.Sum("reason", "pending"));

            var dialled = await a.ConnectAsync(b, TestContext.Current.CancellationToken);
            Assert.True(dialled.IsHandshaken);

            // The flood goes on from a new address: it displaces its own kind, never the honest peer.
            for (var i = 0; i < 40; i++)
                attackers.Add(_net.Raw(a, Ip("127.0.0.6")));
            Assert.Equal(2, a.Network.Count);
            Assert.All(a.Network.Peers, p => Assert.Null(p.CloseReason));
            await Wait.UntilAsync(() => a.Network.OpenConnections <= 130, Patience, "evicted attackers are forgotten");
        }
        finally
        {
            foreach (var attacker in attackers)
                await attacker.DisposeAsync();
        }
    }

    // Attack: inbound filled with handshaken sessions from one /24. A peer from another prefix still gets in (the
    // crowded prefix's youngest goes); more from the crowded prefix are refused; the oldest are protected.
    [Fact]
    public async Task HandshakenCrowdFromOnePrefix_DoesNotKeepAPeerFromAnotherPrefixOut()
    {
        var time = new FakeTimeProvider();
        var a = await _net.AddAsync("tcp://a:1", o => { o.MaxPeers = 24; o.OutboundSlots = 4; o.MaxConnectionsPerPrefix = 100; o.HandshakeTimeout = 60_000; o.Interval = 0; }, time);
        using var refusals = a.Services.Collect("peernet.connections.refused");
        using var evictions = a.Services.Collect("peernet.connections.evicted");
        var crowd = new List<ScriptedPeer>();
        try
        {
            for (var i = 0; i < 20; i++) // inbound is full at 24 - 4
            {
                time.Advance(TimeSpan.FromSeconds(1)); // each younger than the last
                var attacker = _net.Raw(a, Ip($"10.1.2.{i + 1}"), Id(100 + i));
                await attacker.HandshakeAsync();
                crowd.Add(attacker);
                await Wait.UntilAsync(() => a.Network.Count == i + 1, Patience, "the crowd is handshaken");
            }

            await using var more = _net.Raw(a, Ip("10.1.2.200"));
            Assert.True(await more.ClosedWithinAsync(Patience));
            Assert.Equal(1, refusals.Sum("reason", "peer_cap"));

            await using var honest = _net.Raw(a, Ip("10.9.9.9"), Id(1));
            await honest.HandshakeAsync();
            Assert.True(await crowd[^1].ClosedWithinAsync(Patience)); // the crowded prefix's youngest
            await Wait.UntilAsync(() => a.Network.Peers.Any(p => p.RemoteId == Id(1)), Patience, "the honest peer is handshaken");
            Assert.Equal(1, evictions.Sum("reason", "netgroup"));
            Assert.Equal(20, a.Network.Count);
            Assert.Contains(a.Network.Peers, p => p.RemoteId == Id(100)); // the oldest stays
        }
        finally
        {
            foreach (var attacker in crowd)
                await attacker.DisposeAsync();
        }
    }
}
