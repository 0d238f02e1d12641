using PeerNet.Protocol;
using PeerNet.Gossip.Dissemination;
using PeerNet.Simulation;
using PeerNet.Protocol.Wire;

namespace PeerNet.Tests.Gossip.Dissemination;

/// <summary>The tree rule against recording links; its timers run on a <see cref="VirtualScheduler"/>.</summary>
public class PlumtreeRuleTests
{
    private readonly VirtualScheduler _clock = new();

    private PlumtreeRule Router(DisseminationSettings? settings = null, params RecordingLink[] links)
    {
        var router = new PlumtreeRule(settings ?? new DisseminationSettings(), _clock, new RandomSource(5));
        foreach (var link in links)
            router.AddLink(link);
        return router;
    }

    /// <summary>Lets the jittered IHAVE flush (1 to 2 IHAVE delays) run, and nothing scheduled later.</summary>
    private void FlushIhaves() => _clock.RunFor(2 * new DisseminationSettings().IhaveDelay);

    private static void Clear(params RecordingLink[] links)
    {
        foreach (var link in links)
            link.Sent.Clear();
    }

    [Fact]
    public void NewRequest_IsForwardedWithOneMoreHop_NeverBackToItsSender()
    {
        RecordingLink a = new("a"), b = new("b"), c = new("c");
        var router = Router(null, a, b, c);
        var request = Announces.New(limit: 0);
        request.Hops = 3;

        Assert.True(router.OnRequest(a, request));
        Assert.Empty(a.Copies);
        // Only a one-time proof of life goes back: the first frame this node sends that peer.
        Assert.Equal(request.Id, Assert.Single(Assert.Single(a.Controls).Ihave));
        foreach (var link in new[] { b, c })
        {
            var copy = Assert.Single(link.Copies);
            Assert.Equal(4u, copy.Hops);
            Assert.Equal(request.Id, copy.Id);
            Assert.Equal(request.Type, copy.Type);
            Assert.Equal(request.Data, copy.Data);
            Assert.True(copy.HasLimit);
        }
        Assert.False(router.OnRequest(b, request));
        Assert.Equal(1, router.Counters.DuplicatesReceived);
    }

    [Fact]
    public void Leaf_WhoseOnlyPeerIsTheSender_KeepsNoPayload_ButStillDedupes()
    {
        RecordingLink only = new("only");
        var router = Router(null, only);
        var request = Announces.New();
        Assert.True(router.OnRequest(only, request));
        Assert.Equal(0, router.PayloadCount);
        Assert.Empty(only.Copies);
        Assert.False(router.OnRequest(only, request));

        RecordingLink second = new("second");
        router.AddLink(second);
        var next = Announces.New();
        Assert.True(router.OnRequest(only, next));
        Assert.Equal(0, router.PayloadCount); // its only other peer got a full copy: nobody was told of it to ask
        Assert.Single(second.Copies);

        RecordingLink lazy = new("lazy");
        router.AddLink(lazy);
        router.OnControl(lazy, Announces.Prune());
        Assert.True(router.OnRequest(only, Announces.New()));
        Assert.Equal(1, router.PayloadCount); // an IHAVE goes to the lazy peer, which may GRAFT it
    }

    [Fact]
    public void Publish_SendsWithTheGivenHops()
    {
        RecordingLink a = new("a"), b = new("b", takesControlFrames: false);
        var router = Router(null, a, b);
        var request = Announces.New();
        router.Publish(request);
        Assert.Equal(0u, Assert.Single(a.Copies).Hops);
        Assert.Equal(0u, Assert.Single(b.Copies).Hops);
        Assert.False(router.OnRequest(a, request));
    }

    [Theory]
    [InlineData(64u, 0u, false)] // hops + 1 over MaxHops
    [InlineData(63u, 0u, true)]
    [InlineData(2u, 2u, false)] // hops + 1 passes the limit (the next node would discard it)
    [InlineData(1u, 2u, true)] // hops + 1 equals the limit: the next node accepts it, as an original node does
    [InlineData(0u, 2u, true)]
    public void Forwarding_StopsAtMaxHopsAndTheLimit(uint hops, uint limit, bool forwarded)
    {
        RecordingLink a = new("a"), b = new("b"), lazy = new("lazy");
        var router = Router(null, a, b, lazy);
        router.OnControl(lazy, Announces.Prune());
        var request = Announces.New(limit);
        request.Hops = hops;

        Assert.True(router.OnRequest(a, request));
        FlushIhaves();
        Assert.Equal(forwarded, b.Copies.Any());
        Assert.Equal(forwarded, lazy.Controls.Any(c => c.Ihave.Contains(request.Id)));
        Assert.Equal(forwarded ? 0 : 1, router.Counters.NotForwarded);
    }

    [Fact]
    public void Duplicate_OverAnEagerLink_PrunesItAtBothEnds_ButNeverAnOriginalPeer()
    {
        RecordingLink a = new("a"), b = new("b"), original = new("original", takesControlFrames: false);
        var router = Router(null, a, b, original);
        var request = Announces.New();
        router.OnRequest(a, request);
        Clear(a, b, original);

        Assert.False(router.OnRequest(b, request));
        Assert.True(b.GotPrune);
        Assert.False(router.IsEager(b));
        Assert.True(router.IsEager(a));

        Assert.False(router.OnRequest(original, request));
        Assert.Empty(original.Sent);
        Assert.True(router.IsEager(original));

        // Next announce: the pruned link gets an IHAVE, the original a full copy as always.
        var next = Announces.New();
        router.OnRequest(a, next);
        FlushIhaves();
        Assert.Empty(b.Copies);
        Assert.Contains(b.Controls, c => c.Ihave.Contains(next.Id));
        Assert.Single(original.Copies);
        Assert.Empty(original.Controls);
    }

    [Fact]
    public void Ihaves_WaitTheDelay_AndGoOutGatheredIntoOneFramePerPeer()
    {
        RecordingLink a = new("a"), lazy = new("lazy");
        var router = Router(null, a, lazy);
        router.OnControl(lazy, Announces.Prune());
        var first = Announces.New();
        var second = Announces.New();
        router.OnRequest(a, first);
        router.OnRequest(a, second);
        Assert.Empty(lazy.Sent); // nothing before the delay

        _clock.RunFor(TimeSpan.FromMilliseconds(49));
        Assert.Empty(lazy.Sent);
        FlushIhaves();
        var frame = Assert.Single(lazy.Controls);
        Assert.Equal([first.Id, second.Id], frame.Ihave);
        Assert.Equal(2, router.Counters.IhaveSent);
        Assert.Equal(2, router.Counters.ControlFramesSent); // the one-time proof of life to a, and this frame
    }

    [Fact]
    public void QueuedIhave_IsLeftOut_WhenThePeerShowsItHasTheId()
    {
        RecordingLink a = new("a"), b = new("b"), c = new("c");
        var router = Router(null, a, b, c);
        router.OnControl(b, Announces.Prune());
        router.OnControl(c, Announces.Prune());
        var announcedBack = Announces.New();
        var copiedBack = Announces.New();
        var kept = Announces.New();
        foreach (var request in new[] { announcedBack, copiedBack, kept })
            router.OnRequest(a, request);

        router.OnControl(b, Announces.Ihave(announcedBack.Id)); // b flushed its IHAVE first
        Assert.False(router.OnRequest(b, copiedBack)); // b sent a copy: it has the id
        FlushIhaves();

        Assert.Equal([kept.Id], Assert.Single(b.Controls, x => x.Ihave.Count > 0).Ihave);
        Assert.Equal([announcedBack.Id, copiedBack.Id, kept.Id], Assert.Single(c.Controls).Ihave);
    }

    [Fact]
    public void FullIhaveFrame_GoesOutAtOnce_AndTheRestAfterTheDelay()
    {
        RecordingLink a = new("a"), lazy = new("lazy");
        var router = Router(null, a, lazy);
        router.OnControl(lazy, Announces.Prune());
        for (var i = 0; i < ControlFrameValidator.MaxIdsPerList + 1; i++)
            router.OnRequest(a, Announces.New());

        Assert.Equal(ControlFrameValidator.MaxIdsPerList, Assert.Single(lazy.Controls).Ihave.Count);
        FlushIhaves();
        Assert.Equal([ControlFrameValidator.MaxIdsPerList, 1], lazy.Controls.Select(c => c.Ihave.Count));
        Assert.All(lazy.Controls, c => Assert.Equal(PeerNet.Protocol.Verdict.Accept, ControlFrameValidator.Validate(c).Verdict));
    }

    [Fact]
    public void IhaveFrames_StayFarUnderTheSmallestFrameLimit_WithLongIds()
    {
        RecordingLink a = new("a"), lazy = new("lazy");
        var router = Router(null, a, lazy);
        router.OnControl(lazy, Announces.Prune());
        for (var i = 0; i < 40; i++)
        {
            var request = Announces.New();
            var id = new byte[PeerNet.Protocol.ProtocolLimits.MaxIdLength];
            BitConverter.TryWriteBytes(id, i);
            request.Id = Google.Protobuf.ByteString.CopyFrom(id);
            router.OnRequest(a, request);
        }
        FlushIhaves();

        var frames = lazy.Sent.Where(m => m.Control is { Ihave.Count: > 0 }).ToList();
        Assert.True(frames.Count >= 3, $"{frames.Count} frames for 40 ids of 64 bytes");
        Assert.Equal(40, frames.Sum(f => f.Control.Ihave.Count));
        Assert.All(frames, f => Assert.InRange(f.CalculateSize(), 1, ControlFrames.MaxIhaveFrameBytes + 128));
        Assert.Equal(40, router.Counters.IhaveSent);
    }

    [Fact]
    public void OwnAnnounce_SendsItsIhavesAtOnce()
    {
        RecordingLink a = new("a"), lazy = new("lazy");
        var router = Router(null, a, lazy);
        router.OnControl(lazy, Announces.Prune());
        var own = Announces.New();
        router.Publish(own);
        Assert.Equal([own.Id], Assert.Single(lazy.Controls).Ihave); // no delay: the source is the only one that has it
        Assert.Single(a.Copies);
        // Both go as own frames (a link may make them wait for room); forwarded traffic and prunes do not.
        Assert.Equal(lazy.Sent, lazy.SentAsOwn);
        Assert.Equal(a.Sent, a.SentAsOwn);
        Clear(a, lazy);
        a.SentAsOwn.Clear();
        router.OnRequest(lazy, Announces.New()); // forwarded to a
        Assert.False(router.OnRequest(a, own)); // our own coming back: a duplicate, pruned
        Assert.NotEmpty(a.Sent);
        Assert.Empty(a.SentAsOwn);
    }

    [Fact]
    public void ZeroIhaveDelay_SendsEachIhaveAtOnce_AndARemovedLinkGetsNoQueuedOnes()
    {
        RecordingLink a = new("a"), lazy = new("lazy"), gone = new("gone");
        var immediate = Router(new DisseminationSettings { IhaveDelay = TimeSpan.Zero }, a, lazy);
        immediate.OnControl(lazy, Announces.Prune());
        var request = Announces.New();
        immediate.OnRequest(a, request);
        Assert.Equal([request.Id], Assert.Single(lazy.Controls).Ihave);

        RecordingLink a2 = new("a2");
        var delayed = Router(null, a2, gone);
        delayed.OnControl(gone, Announces.Prune());
        delayed.OnRequest(a2, Announces.New());
        delayed.RemoveLink(gone);
        FlushIhaves();
        Assert.Empty(gone.Sent);
    }

    [Fact]
    public void Ihave_IsNotSentToAPeerThatAnnouncedTheId()
    {
        RecordingLink a = new("a"), b = new("b"), c = new("c");
        var router = Router(null, a, b, c);
        router.OnControl(b, Announces.Prune());
        router.OnControl(c, Announces.Prune());
        var request = Announces.New();

        router.OnControl(b, Announces.Ihave(request.Id));
        router.OnRequest(a, request);
        FlushIhaves();
        Assert.Empty(b.Sent);
        Assert.Contains(c.Controls, x => x.Ihave.Contains(request.Id));
    }

    [Fact]
    public void MissingId_IsGraftedAfterTheTimeout_FromAnAnnouncer()
    {
        RecordingLink a = new("a"), b = new("b");
        var router = Router(null, a, b);
        router.OnControl(a, Announces.Prune());
        router.OnControl(b, Announces.Prune());
        var request = Announces.New();
        router.OnControl(a, Announces.Ihave(request.Id));
        router.OnControl(b, Announces.Ihave(request.Id));
        Assert.Empty(a.Sent.Concat(b.Sent));

        _clock.RunUntilIdle(maxEvents: 1);
        Assert.Equal(new DisseminationSettings().GraftTimeout, _clock.Now);
        var asked = a.Controls.Any() ? a : b;
        var graft = Assert.Single(asked.Controls);
        Assert.Equal(request.Id, Assert.Single(graft.Graft));
        Assert.False(graft.LastResort);

        // The answer makes the link eager at this end too.
        var reply = request.Clone();
        reply.Hops = 1;
        Assert.True(router.OnRequest(asked, reply));
        Assert.True(router.IsEager(asked));
        _clock.RunUntilIdle();
        Assert.Equal(1, router.Counters.GraftSent);
    }

    [Fact]
    public void Nack_AsksTheNextAnnouncerAtOnce_AndTheLastOneAsALastResort()
    {
        RecordingLink a = new("a"), b = new("b");
        var router = Router(null, a, b);
        router.OnControl(a, Announces.Prune());
        router.OnControl(b, Announces.Prune());
        var request = Announces.New();
        router.OnControl(a, Announces.Ihave(request.Id));
        router.OnControl(b, Announces.Ihave(request.Id));
        _clock.RunUntilIdle(maxEvents: 1);
        var first = a.Controls.Any() ? a : b;
        var second = first == a ? b : a;

        router.OnControl(first, Announces.Nack(request.Id));
        var graft = Assert.Single(second.Controls);
        Assert.Equal(request.Id, Assert.Single(graft.Graft));
        Assert.True(graft.LastResort);

        // The second never answers: the one that NACKed is asked again, as a last resort; then nobody is left.
        Clear(a, b);
        _clock.RunUntilIdle();
        graft = Assert.Single(first.Controls);
        Assert.True(graft.LastResort);
        Assert.Empty(second.Controls);
        Assert.Equal(2, router.Counters.GraftTimeouts);
        Assert.Equal(1, router.PendingPullCount); // still waiting for a new IHAVE until the pull expires
    }

    [Fact]
    public void Graft_IsServedUpToTheBudget_ThenNacked_ButALastResortIsAlwaysServed()
    {
        var links = Enumerable.Range(0, 4).Select(i => new RecordingLink("l" + i)).ToArray();
        var router = Router(new DisseminationSettings { ServeBudget = 1 }, links);
        foreach (var link in links.Skip(1))
            router.OnControl(link, Announces.Prune());
        var request = Announces.New();
        router.OnRequest(links[0], request);
        Clear(links);

        router.OnControl(links[1], Announces.Graft(request.Id));
        Assert.Single(links[1].Copies);
        Assert.True(router.IsEager(links[1]));

        router.OnControl(links[2], Announces.Graft(request.Id));
        Assert.Empty(links[2].Copies);
        Assert.Equal(request.Id, Assert.Single(Assert.Single(links[2].Controls).Nack));
        Assert.False(router.IsEager(links[2]));

        router.OnControl(links[3], Announces.Graft(request.Id, lastResort: true));
        Assert.Single(links[3].Copies);
        Assert.Equal(2, router.Counters.GraftsServed);
        Assert.Equal(1, router.Counters.GraftsNacked);
    }

    [Fact]
    public void LastResortGrafts_RepeatedByOnePeer_AreServedOnce_AndAnIdAtMostGraftServesPerIdTimes()
    {
        // L1: a peer repeating a last-resort GRAFT frame gets NACKs, not a copy per frame.
        var links = Enumerable.Range(0, PeerNetLimits.GraftServesPerId + 2).Select(i => new RecordingLink("l" + i)).ToArray();
        var router = Router(new DisseminationSettings { ServeBudget = 1 }, links);
        foreach (var link in links.Skip(1))
            router.OnControl(link, Announces.Prune());
        var request = Announces.New();
        router.OnRequest(links[0], request);
        Clear(links);

        for (var i = 0; i < 10; i++)
            router.OnControl(links[1], Announces.Graft(request.Id, lastResort: true));
        Assert.Single(links[1].Copies);
        Assert.Equal(9, links[1].Controls.Count(c => c.Nack.Contains(request.Id)));

        foreach (var link in links.Skip(2))
            router.OnControl(link, Announces.Graft(request.Id, lastResort: true));
        Assert.Equal(PeerNetLimits.GraftServesPerId, router.Counters.GraftsServed);
        Assert.Empty(links[^1].Copies); // the id's copies are used up
    }

    [Fact]
    public void Graft_ForAnUnknownId_IsNacked()
    {
        RecordingLink a = new("a");
        var router = Router(null, a);
        var id = Announces.New().Id;
        router.OnControl(a, Announces.Graft(id, lastResort: true));
        Assert.Equal(id, Assert.Single(Assert.Single(a.Controls).Nack));
    }

    [Fact]
    public void OverCapGraft_GetsTheCopyAndAPrune_AndTheAskerBacksOff()
    {
        RecordingLink a = new("a"), lazy = new("lazy");
        var router = Router(new DisseminationSettings { Fanout = 1 }, a, lazy);
        router.OnControl(lazy, Announces.Prune());
        var request = Announces.New();
        router.OnRequest(a, request);
        Assert.Equal(1, router.EagerControlLinks);
        Clear(a, lazy);

        router.OnControl(lazy, Announces.Graft(request.Id));
        Assert.Equal(Message.KindOneofCase.Request, lazy.Sent[0].KindCase);
        Assert.True(lazy.Sent[1].Control.Prune);
        Assert.False(router.IsEager(lazy));
        Assert.Equal(1, router.Counters.GraftsOverCap);

        // The asker's side: a PRUNE makes it prefer other announcers for a while.
        RecordingLink hub = new("hub"), other = new("other");
        var asker = new PlumtreeRule(new DisseminationSettings(), _clock, new RandomSource(9));
        asker.AddLink(hub);
        asker.AddLink(other);
        asker.OnControl(hub, Announces.Prune());
        asker.OnControl(other, Announces.Prune());
        for (var i = 0; i < 10; i++)
        {
            var missing = Announces.New().Id;
            asker.OnControl(hub, Announces.Ihave(missing));
            asker.OnControl(other, Announces.Ihave(missing));
        }
        hub.Sent.Clear();
        other.Sent.Clear();
        // Both pruned this node, so both are backed off: still asked (as untried), never lost.
        _clock.RunUntilIdle();
        Assert.Equal(20, hub.Controls.Count(c => c.Graft.Count > 0) + other.Controls.Count(c => c.Graft.Count > 0));
    }

    [Fact]
    public void BackedOffPeer_IsAskedOnlyWhenNoOtherAnnouncerIsLeft()
    {
        RecordingLink hub = new("hub"), other = new("other");
        var router = Router(null, hub, other);
        var request = Announces.New();
        router.OnRequest(hub, request);
        router.OnRequest(other, request); // a duplicate: this node prunes other (no backoff: other did nothing)
        router.OnControl(hub, Announces.Prune()); // the hub sends this node away: back off from it
        Clear(hub, other);

        for (var i = 0; i < 10; i++)
        {
            var missing = Announces.New().Id;
            router.OnControl(hub, Announces.Ihave(missing));
            router.OnControl(other, Announces.Ihave(missing));
        }
        _clock.RunUntilIdle(maxEvents: 10);
        Assert.Equal(10, other.Controls.Count(c => c.Graft.Count > 0));
        Assert.DoesNotContain(hub.Controls, c => c.Graft.Count > 0);
    }

    [Fact]
    public void NewLinks_StartEagerUpToInitialEager_TheRestLazy_AndOriginalPeersAlwaysEager()
    {
        var links = Enumerable.Range(0, 6).Select(i => new RecordingLink("l" + i)).ToArray();
        RecordingLink original = new("original", takesControlFrames: false);
        var router = Router(new DisseminationSettings { InitialEager = 3 }, [.. links.Take(3), original, .. links.Skip(3)]);
        Assert.Equal(3, router.EagerControlLinks);
        Assert.All(links.Take(3), l => Assert.True(router.IsEager(l)));
        Assert.All(links.Skip(3), l => Assert.False(router.IsEager(l)));
        Assert.True(router.IsEager(original));

        // The source's own announce: copies over the eager links, IHAVEs (at once) to the lazy ones.
        var own = Announces.New();
        router.Publish(own);
        Assert.All(links.Take(3).Append(original), l => Assert.Single(l.Copies));
        Assert.All(links.Skip(3), l => Assert.Equal(own.Id, Assert.Single(Assert.Single(l.Controls).Ihave)));

        // A first copy over a lazy link puts it on the tree.
        var request = Announces.New();
        router.OnRequest(links[4], request);
        Assert.True(router.IsEager(links[4]));
        Assert.Equal(4, router.EagerControlLinks);

        // Links that go free their places: the next new one starts eager again, the one after that lazy.
        router.RemoveLink(links[0]);
        router.RemoveLink(links[1]);
        Assert.Equal(2, router.EagerControlLinks);
        RecordingLink late = new("late"), later = new("later");
        router.AddLink(late);
        router.AddLink(later);
        Assert.True(router.IsEager(late));
        Assert.False(router.IsEager(later));
        Assert.Equal(3, router.EagerControlLinks);
    }

    [Fact]
    public void InitialEager_PastFanout_CountsAsFanout()
    {
        var links = Enumerable.Range(0, 20).Select(i => new RecordingLink("l" + i)).ToArray();
        var router = Router(new DisseminationSettings { Fanout = 8, InitialEager = 64 }, links);
        Assert.Equal(8, router.EagerControlLinks);
    }

    [Fact]
    public void EagerCap_HoldsWhenFirstCopiesComeOverLazyLinks()
    {
        var links = Enumerable.Range(0, 40).Select(i => new RecordingLink("l" + i)).ToArray();
        var router = Router(new DisseminationSettings { Fanout = 16, InitialEager = 16 }, links);
        Assert.Equal(16, router.EagerControlLinks);
        for (var i = 16; i < 40; i++)
        {
            // Each first copy makes its sender's link eager (17), and the push that follows demotes one other.
            router.OnRequest(links[i], Announces.New());
            Assert.Equal(16, router.EagerControlLinks);
            Assert.True(router.IsEager(links[i]));
        }
        FlushIhaves();
        Assert.Equal(24, router.Counters.CapDemotions);
        Assert.Equal(24, links.Count(l => l.GotPrune));
    }

    [Fact]
    public void LateGraftAnswer_IsADuplicate_AndPrunesTheServer()
    {
        RecordingLink a = new("a"), b = new("b");
        var router = Router(null, a, b);
        router.OnControl(b, Announces.Prune());
        var request = Announces.New();
        router.OnControl(b, Announces.Ihave(request.Id));
        _clock.RunUntilIdle(maxEvents: 1); // GRAFT to b
        Assert.True(router.OnRequest(a, request)); // the eager copy wins
        Clear(a, b);

        Assert.False(router.OnRequest(b, request));
        Assert.True(b.GotPrune);
        router.OnControl(b, Announces.Ihave(request.Id)); // a late IHAVE for a seen id: nothing to do
        _clock.RunUntilIdle();
        Assert.DoesNotContain(b.Controls, c => c.Graft.Count > 0);
    }

    [Fact]
    public void RemovedLink_LeavesTheSetsAndTheAnnouncerLists()
    {
        RecordingLink a = new("a"), b = new("b"), c = new("c");
        var router = Router(null, a, b, c);
        router.OnControl(a, Announces.Prune());
        router.OnControl(b, Announces.Prune());
        var request = Announces.New();
        router.OnControl(a, Announces.Ihave(request.Id));
        router.OnControl(b, Announces.Ihave(request.Id));
        _clock.RunUntilIdle(maxEvents: 1);
        var asked = a.Controls.Any() ? a : b;
        var other = asked == a ? b : a;

        router.RemoveLink(asked);
        Assert.Single(other.Controls, x => x.Graft.Count > 0); // asked at once
        Assert.Equal(2, router.LinkCount);
        Assert.Equal(1, router.EagerControlLinks);

        router.RemoveLink(c);
        Assert.Equal(0, router.EagerControlLinks);
        Assert.False(router.IsEager(c));
        Assert.True(router.OnRequest(other, request));
    }

    [Fact]
    public void NeverHeardEagerPeer_IsMadeLazyAfterTheSilenceTimeout_AnsweringPeersStayEager()
    {
        RecordingLink source = new("source"), dead = new("dead"), alive = new("alive");
        var router = Router(null, source, dead, alive);
        router.OnRequest(source, Announces.New());
        Assert.Single(dead.Copies);
        router.OnControl(alive, Announces.Ihave(Announces.New().Id)); // any frame proves life
        _clock.Schedule(TimeSpan.FromSeconds(1), () => { });
        _clock.RunUntilIdle();
        Clear(source, dead, alive);

        var next = Announces.New();
        router.OnRequest(source, next);
        FlushIhaves();
        Assert.Empty(dead.Copies);
        Assert.Contains(dead.Controls, c => c.Ihave.Contains(next.Id));
        Assert.False(dead.GotPrune);
        Assert.Single(alive.Copies);
        Assert.Equal(1, router.Counters.SilentDemotions);
    }

    [Fact]
    public void FailedSend_IsCountedAndNothingElseIsDropped()
    {
        RecordingLink a = new("a"), b = new("b") { Accepts = false }, c = new("c");
        var router = Router(null, a, b, c);
        router.OnRequest(a, Announces.New());
        Assert.Equal(1, router.Counters.SendFailures);
        Assert.Single(c.Copies);
        Assert.Equal(3, router.LinkCount);
    }

    [Fact]
    public void FloodOfUniqueIds_KeepsTheSeenCacheAtItsCapacity()
    {
        RecordingLink a = new("a"), full = new("full") { Accepts = false }; // a lazy second peer: payloads are kept for it
        var settings = new DisseminationSettings();
        var router = Router(settings, a, full);
        router.OnControl(full, Announces.Prune());
        var request = new Announce { Hops = 0 };
        Span<byte> id = stackalloc byte[8];
        for (var i = 0; i < 1_000_000; i++)
        {
            BitConverter.TryWriteBytes(id, (long)i);
            request.Id = Google.Protobuf.ByteString.CopyFrom(id);
            Assert.True(router.OnRequest(a, request));
        }
        Assert.Equal(settings.SeenCapacity, router.SeenCount);
        Assert.Equal(1_000_000 - settings.SeenCapacity, router.Counters.SeenEvictions);
        Assert.Equal(settings.PayloadCapacity, router.PayloadCount);

        // IHAVEs for unseen ids are bounded too.
        for (var i = 0; i < 10_000; i++)
        {
            BitConverter.TryWriteBytes(id, -1L - i);
            router.OnControl(a, Announces.Ihave(Google.Protobuf.ByteString.CopyFrom(id)));
        }
        Assert.Equal(settings.PullCapacity, router.PendingPullCount);
        Assert.Equal(10_000 - settings.PullCapacity, router.Counters.PullEvictions);
    }

    [Fact]
    public void OnePeersFloodOfIdsAndIhaves_EvictsOnlyItsOwnSeenIdsAndPulls()
    {
        // H6: each peer has a share of the seen ids and the pending pulls; a flood pushes out the flooder's own.
        RecordingLink honest = new("honest"), flooder = new("flooder");
        var settings = new DisseminationSettings();
        var router = Router(settings, honest, flooder);
        var known = Announces.New();
        Assert.True(router.OnRequest(honest, known));
        var missing = Announces.New().Id;
        router.OnControl(honest, Announces.Ihave(missing)); // a pull, its GRAFT due after GraftTimeout

        var request = new Announce { Hops = 1 };
        Span<byte> id = stackalloc byte[8];
        for (var i = 0; i < 2 * settings.SeenCapacity; i++)
        {
            BitConverter.TryWriteBytes(id, -1_000_000L - i);
            request.Id = Google.Protobuf.ByteString.CopyFrom(id);
            router.OnRequest(flooder, request);
        }
        for (var i = 0; i < 2 * settings.PullCapacity; i++)
        {
            BitConverter.TryWriteBytes(id, -10_000_000L - i);
            router.OnControl(flooder, Announces.Ihave(Google.Protobuf.ByteString.CopyFrom(id)));
        }
        Assert.Equal(settings.SeenCapacity, router.SeenCount);
        Assert.Equal(settings.PullCapacity, router.PendingPullCount);

        Assert.False(router.OnRequest(honest, known)); // still seen: a duplicate
        _clock.RunUntilIdle();
        Assert.Contains(honest.Controls, c => c.Graft.Contains(missing)); // its pull survived and asked it
    }

    [Fact]
    public void SeenIds_Expire()
    {
        RecordingLink a = new("a");
        var router = Router(new DisseminationSettings { SeenTtl = TimeSpan.FromSeconds(1), PayloadTtl = TimeSpan.FromMilliseconds(500) }, a);
        var request = Announces.New();
        Assert.True(router.OnRequest(a, request));
        _clock.Schedule(TimeSpan.FromSeconds(2), () => { });
        _clock.RunUntilIdle();
        Assert.True(router.OnRequest(a, request));
        Assert.Equal(1, router.SeenCount);
    }

    [Theory]
    [InlineData(true, true, true, false, TreeDelivery.None)] // never back to the sender
    [InlineData(false, false, false, false, TreeDelivery.Copy)] // an original peer: always a full copy
    [InlineData(false, true, true, false, TreeDelivery.Copy)] // eager PeerNet link
    [InlineData(false, true, false, false, TreeDelivery.Ihave)] // lazy PeerNet link
    [InlineData(false, true, false, true, TreeDelivery.None)] // lazy, and it told us it has the id
    public void DeliveryFor_IsThePureRuleOfWhoGetsWhat(bool isSender, bool takesControl, bool eager, bool announced, TreeDelivery expected) =>
        Assert.Equal(expected, PlumtreeRule.DeliveryFor(isSender, takesControl, eager, announced));

    [Fact]
    public void ControlFrameValidator_DiscardsBadIds()
    {
        var ok = Announces.Ihave(Announces.New().Id);
        Assert.Equal(PeerNet.Protocol.Verdict.Accept, ControlFrameValidator.Validate(ok).Verdict);
        var empty = Announces.Graft(Google.Protobuf.ByteString.Empty);
        Assert.Equal(PeerNet.Protocol.Verdict.Discard, ControlFrameValidator.Validate(empty).Verdict);
        var tooLong = Announces.Nack(Google.Protobuf.ByteString.CopyFrom(new byte[65]));
        Assert.Equal(PeerNet.Protocol.Verdict.Discard, ControlFrameValidator.Validate(tooLong).Verdict);
        var many = new Control();
        for (var i = 0; i < ControlFrameValidator.MaxIdsPerList + 1; i++)
            many.Ihave.Add(Google.Protobuf.ByteString.CopyFrom([1]));
        Assert.Equal(PeerNet.Protocol.Verdict.Discard, ControlFrameValidator.Validate(many).Verdict);
    }
}
