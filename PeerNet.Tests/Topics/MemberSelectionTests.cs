using PeerNet.Topics;

namespace PeerNet.Tests.Topics;

/// <summary>Which members a lookup counts toward max: a few per responder, distinct responders first.</summary>
public sealed class MemberSelectionTests
{
    private static TopicMember M(string address, string node) => new(address, node, TimeSpan.Zero);

    [Fact]
    public void OneResponderCountsAtMostItsShare_TheRestWaitUntilTheLookupEndsShort()
    {
        var selection = new MemberSelection(max: 5, perResponder: 3);
        var offered = Enumerable.Range(0, 10).Select(i => selection.Offer(M($"fake{i}", "hostile"))).ToList();
        Assert.Equal(3, offered.Count(o => o == Offered.Taken));
        Assert.Equal(5, offered.Count(o => o == Offered.HeldBack)); // at most max held back
        Assert.False(selection.IsFull);

        Assert.Equal(Offered.Taken, selection.Offer(M("honest1", "a")));
        Assert.Equal(Offered.Taken, selection.Offer(M("honest2", "b")));
        Assert.True(selection.IsFull);
        Assert.Empty(selection.DrainHeld());
    }

    [Fact]
    public void ShortOfMax_HeldBackMembersFillUp_AndAnAddressCountsOnce()
    {
        var selection = new MemberSelection(max: 5, perResponder: 1);
        Assert.True(selection.TakeOwn(M("own", "self")));
        Assert.Equal(Offered.Dropped, selection.Offer(M("own", "x"))); // the same address from elsewhere
        Assert.Equal(Offered.Taken, selection.Offer(M("a1", "a")));
        Assert.Equal(Offered.HeldBack, selection.Offer(M("a2", "a")));
        Assert.Equal(Offered.HeldBack, selection.Offer(M("a3", "a")));
        Assert.Equal(["a2", "a3"], selection.DrainHeld().Select(m => m.Address));
        Assert.Equal(4, selection.Count);
    }

    [Fact]
    public void AProlificResponder_GivesWayInTheWaitList_ToOneThatOfferedASample()
    {
        // The hostile node answers first and without end; the honest one offers its five later.
        var selection = new MemberSelection(max: 8, perResponder: 3);
        for (var i = 0; i < 40; i++)
            selection.Offer(M($"fake{i}", "hostile"));
        var honest = Enumerable.Range(1, 5).Select(i => selection.Offer(M($"h{i}", "honest"))).ToList();
        Assert.Equal([Offered.Taken, Offered.Taken, Offered.Taken, Offered.HeldBack, Offered.HeldBack], honest);

        // Ended short of max: the honest node's waiting members come before the flood's.
        Assert.Equal(["h4", "h5"], selection.DrainHeld().Select(m => m.Address));
        Assert.True(selection.IsFull);
    }
}
