using PeerNet.Protocol;

namespace PeerNet.Tests.Protocol;

public class HopRuleTests
{
    [Theory]
    [InlineData(0u, 0u, true)]
    [InlineData(64u, 0u, true)] // at MaxHops
    [InlineData(65u, 0u, false)] // over MaxHops
    [InlineData(2u, 2u, true)] // at the limit: accepted, as the original does
    [InlineData(3u, 2u, false)]
    public void Accepts_WhileHopsWithinMaxHopsAndLimit(uint hops, uint limit, bool accepted)
    {
        Assert.Equal(accepted, HopRule.Accepts(hops, limit, maxHops: 64));
        Assert.Equal(accepted, HopRule.Refusal(hops, limit, maxHops: 64) is null);
    }

    [Theory]
    [InlineData(1u, 2u, true)] // the next node gets hops 2 = limit and accepts it
    [InlineData(2u, 2u, false)]
    [InlineData(63u, 0u, true)]
    [InlineData(64u, 0u, false)]
    [InlineData(uint.MaxValue, 0u, false)] // no overflow into 0
    public void Forwards_WhileTheNextNodeAccepts(uint hops, uint limit, bool forwarded) =>
        Assert.Equal(forwarded, HopRule.Forwards(hops, limit, maxHops: 64));

    [Fact]
    public void OnALine_Limit2FromN0_ReachesN1ToN3()
    {
        // n0 sends hops 0 to n1; each node that accepts and forwards adds one.
        var reached = new List<int>();
        uint hops = 0;
        for (var node = 1; node <= 4 && HopRule.Accepts(hops, 2, 64); node++)
        {
            reached.Add(node);
            if (!HopRule.Forwards(hops, 2, 64))
                break;
            hops++;
        }
        Assert.Equal([1, 2, 3], reached);
    }

    [Fact]
    public void Refusal_NamesTheBoundBroken()
    {
        Assert.Contains("maximum 64", HopRule.Refusal(65, 0, 64));
        Assert.Contains("limit 2", HopRule.Refusal(3, 2, 64));
    }
}
