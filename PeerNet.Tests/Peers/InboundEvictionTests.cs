using System.Net;
using PeerNet.Addressing;
using PeerNet.Peers;

namespace PeerNet.Tests.Peers;

public sealed class InboundEvictionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SourcePrefix P(string ip) => SourcePrefix.Group(IPAddress.Parse(ip), 24, 64);

    private static EvictionCandidate C(string ip, bool handshaken, int second) => new(P(ip), handshaken, T0.AddSeconds(second));

    [Fact]
    public void PendingFirst_TheOldestOfTheSourceWithMostPending()
    {
        EvictionCandidate[] inbound =
        [
            C("203.0.113.1", handshaken: false, 5),
            C("198.51.100.1", handshaken: false, 1),
            C("203.0.113.2", handshaken: false, 3),
            C("192.0.2.1", handshaken: true, 0),
        ];
        Assert.Equal(2, InboundEviction.Choose(inbound, P("192.0.2.50"), pendingOnly: false));
        Assert.Equal(2, InboundEviction.Choose(inbound, P("192.0.2.50"), pendingOnly: true));
    }

    [Fact]
    public void AllPendingFromDistinctSources_TheOldestPendingGoes()
    {
        EvictionCandidate[] inbound = [C("203.0.113.1", false, 5), C("198.51.100.1", false, 1), C("192.0.2.1", false, 3)];
        Assert.Equal(1, InboundEviction.Choose(inbound, P("8.8.8.8"), pendingOnly: true));
    }

    [Fact]
    public void ANewcomerFromTheMostCrowdedSource_IsRefused()
    {
        EvictionCandidate[] pending = [C("203.0.113.1", false, 1), C("203.0.113.2", false, 2), C("198.51.100.1", false, 3)];
        Assert.Equal(-1, InboundEviction.Choose(pending, P("203.0.113.99"), pendingOnly: false));
        EvictionCandidate[] tied = [C("203.0.113.1", false, 1), C("198.51.100.1", false, 3)];
        Assert.Equal(-1, InboundEviction.Choose(tied, P("198.51.100.7"), pendingOnly: false));
    }

    [Fact]
    public void AtThePendingCapWithNonePending_NothingIsEvicted()
    {
        EvictionCandidate[] inbound = [.. Enumerable.Range(0, 30).Select(i => C("203.0.113.1", true, i))];
        Assert.Equal(-1, InboundEviction.Choose(inbound, P("8.8.8.8"), pendingOnly: true));
    }

    [Fact]
    public void Handshaken_TheYoungestOfTheMostCrowdedPrefix_AfterProtectingTheOldestAndDiverse()
    {
        // 20 from one /24 (seconds 10..29) and one each from four other prefixes, younger than all of them.
        var inbound = Enumerable.Range(0, 20).Select(i => C($"203.0.113.{i + 1}", true, 10 + i)).ToList();
        inbound.AddRange(new[] { "192.0.2.1", "198.51.100.1", "100.64.0.1", "172.16.0.1" }.Select((ip, i) => C(ip, true, 100 + i)));
        Assert.Equal(19, InboundEviction.Choose(inbound, P("8.8.8.8"), pendingOnly: false));
        Assert.Equal(-1, InboundEviction.Choose(inbound, P("203.0.113.250"), pendingOnly: false));
    }

    [Fact]
    public void Handshaken_NetgroupDiversityProtectsALoneYoungPeer_TiesGoToTheYoungest()
    {
        // Two prefixes of two each; the oldest of each is protected for diversity, the rest by age: all of them.
        EvictionCandidate[] few = [C("192.0.2.1", true, 1), C("192.0.2.2", true, 2), C("198.51.100.1", true, 3), C("198.51.100.2", true, 4)];
        Assert.Equal(-1, InboundEviction.Choose(few, P("8.8.8.8"), pendingOnly: false)); // everyone protected: refuse

        var many = Enumerable.Range(0, 12).Select(i => C($"203.0.113.{i + 1}", true, i)).ToList(); // 12 oldest, one /24
        many.Add(C("192.0.2.1", true, 50)); // young, but its prefix's only member
        many.Add(C("198.51.100.1", true, 60));
        many.Add(C("198.51.100.2", true, 70));
        // Protected: 203.0.113.1 (netgroup), 192.0.2.1 (netgroup), 198.51.100.1 (netgroup), then 8 by age (203.0.113.2-9).
        // Left: 203.0.113.10-12 (three) and 198.51.100.2 (one): the /24's youngest goes.
        Assert.Equal(11, InboundEviction.Choose(many, P("8.8.8.8"), pendingOnly: false));
    }

    [Fact]
    public void ConnectionsWithoutAnIp_ShareOneGroup()
    {
        EvictionCandidate[] inbound = [new(null, false, T0), new(null, false, T0.AddSeconds(1)), C("192.0.2.1", false, 0)];
        Assert.Equal(0, InboundEviction.Choose(inbound, P("8.8.8.8"), pendingOnly: false));
        Assert.Equal(-1, InboundEviction.Choose(inbound, null, pendingOnly: false));
    }
}
