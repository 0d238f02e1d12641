using PeerNet.Gossip.Dissemination;
using PeerNet.Simulation;

namespace PeerNet.Tests.Gossip.Dissemination;

/// <summary>The original's rule against recording links.</summary>
public class RandomFanoutRuleTests
{
    private static RandomFanoutRule Rule(int fanout, params RecordingLink[] links)
    {
        var rule = new RandomFanoutRule(new DisseminationSettings { Rule = DisseminationRule.RandomFanout, Fanout = fanout }, new VirtualScheduler(), new RandomSource(5));
        foreach (var link in links)
            rule.AddLink(link);
        return rule;
    }

    [Fact]
    public void ForwardsToFanoutRandomPeers_OwnAnnouncesToAll_NoControlFrames()
    {
        var links = Enumerable.Range(0, 10).Select(i => new RecordingLink("l" + i)).ToArray();
        var rule = Rule(3, links);
        Assert.True(rule.OnRequest(links[0], Announces.New(), out _));
        Assert.Equal(3, links.Count(l => l.Copies.Any()));
        Assert.Empty(links[0].Sent);
        Assert.All(links.SelectMany(l => l.Copies), c => Assert.Equal(1u, c.Hops));

        foreach (var link in links)
            link.Sent.Clear();
        rule.Publish(Announces.New());
        Assert.All(links, l => Assert.Equal(0u, Assert.Single(l.Copies).Hops)); // own: to every peer, no hop added

        var request = Announces.New();
        Assert.True(rule.OnRequest(links[0], request, out _));
        Assert.False(rule.OnRequest(links[1], request, out _)); // a duplicate: not new, not forwarded again
        Assert.Empty(links.SelectMany(l => l.Controls));
        rule.OnControl(links[2], Announces.Graft(request.Id));
        Assert.Equal(1, rule.Counters.ControlIgnored);
    }

    [Fact]
    public void StopsAtTheHopRule_AndForgetsARemovedLink()
    {
        RecordingLink a = new("a"), b = new("b");
        var rule = Rule(3, a, b);
        var atLimit = Announces.New(limit: 2);
        atLimit.Hops = 2;
        Assert.True(rule.OnRequest(a, atLimit, out _)); // accepted (hops == limit), not forwarded
        Assert.Empty(b.Sent);
        Assert.Equal(1, rule.Counters.NotForwarded);

        rule.RemoveLink(b);
        Assert.Equal(1, rule.LinkCount);
        rule.Publish(Announces.New());
        Assert.Empty(b.Sent);
    }

    [Fact]
    public void PickTargets_MovesFanoutDistinctCandidatesToTheFront()
    {
        var candidates = Enumerable.Range(0, 10).ToList();
        var count = RandomFanoutRule.PickTargets(candidates, 3, new RandomSource(1));
        Assert.Equal(3, count);
        Assert.Equal(10, candidates.Distinct().Count()); // a permutation: nobody lost or doubled
        Assert.Equal(3, candidates.Take(3).Distinct().Count());

        var few = new List<int> { 7, 8 };
        Assert.Equal(2, RandomFanoutRule.PickTargets(few, 3, new RandomSource(1))); // fewer candidates than the fanout
    }
}
