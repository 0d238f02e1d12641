using System.Net;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Gossip;

namespace PeerNet.Tests.Gossip;

public sealed class LearnBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ASource_GetsItsBurst_ThenItsRate()
    {
        var budget = new LearnBudget(ratePerSecond: 2, burst: 3, _time);
        var source = IPAddress.Parse("10.1.2.3");
        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => budget.TryTake(source)));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal([true, false], Enumerable.Range(0, 2).Select(_ => budget.TryTake(source)));
    }

    [Fact]
    public void OneSlash16_SharesOneBudget_EachLoopbackIpHasItsOwn()
    {
        var budget = new LearnBudget(ratePerSecond: 0.001, burst: 1, _time);
        Assert.True(budget.TryTake(IPAddress.Parse("10.1.2.3")));
        Assert.False(budget.TryTake(IPAddress.Parse("10.1.200.9"))); // same /16
        Assert.True(budget.TryTake(IPAddress.Parse("10.2.0.1")));
        Assert.True(budget.TryTake(IPAddress.Parse("127.0.0.1")));
        Assert.True(budget.TryTake(IPAddress.Parse("127.0.0.2")));
    }

    [Fact]
    public void ItTracksABoundedNumberOfSources()
    {
        var budget = new LearnBudget(ratePerSecond: 0.001, burst: 5, _time);
        for (var i = 0; i < LearnBudget.MaxSources + 500; i++)
            budget.TryTake(new IPAddress([(byte)((i >> 8) + 1), (byte)i, 0, 1])); // each its own /16
        Assert.InRange(budget.Count, LearnBudget.MaxSources / 2, LearnBudget.MaxSources);
    }
}
