using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests;

/// <summary>The bounds a remote peer can fill: where they come from, how they count and warn.</summary>
public sealed class PeerNetLimitsTests : IDisposable
{
    private readonly FakeLogCollector _logs = new();
    private readonly StandaloneTelemetry _telemetry;

    public PeerNetLimitsTests()
    {
        _telemetry = new StandaloneTelemetry(o => { o.MaxPeers = 7; o.SendQueueCapacity = 10; o.Size = 3; });
    }

    public void Dispose() => _telemetry.Dispose();

    private PeerNetLimits Limits() =>
        new(_telemetry.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PeerNetOptions>>(), _telemetry.Metrics, new FakeLogger<PeerNetLimits>(_logs));

    [Fact]
    public void OptionBackedBoundsFollowTheOptions_ConstantsKeepTheirReasons()
    {
        var limits = Limits();
        Assert.Equal((7, "PeerNet:MaxPeers"), (limits.Peers.Capacity, limits.Peers.Option));
        Assert.Equal(10, limits.SendQueue.Capacity);
        Assert.Equal(3 * PeerNetLimits.AnswerAllowanceFactor, limits.ExchangeAllowance.Capacity);
        Assert.Null(limits.RouterQueue.Option);
        Assert.Equal(limits.All.Count, limits.All.Select(b => b.Name).Distinct().Count());
        Assert.All(limits.All, b => Assert.False(string.IsNullOrWhiteSpace(b.Reason)));
        Assert.All(limits.All, b => Assert.True(b.Capacity > 0, b.Name));
    }

    [Fact]
    public void CrossingSixtyPercent_WarnsOnce_AndReArmsBelowFifty()
    {
        var bound = Limits().Peers; // capacity 7: warns at 4 (60%, rounded down), re-arms below 3.5
        bound.Observe(3);
        Assert.Empty(Warnings());
        bound.Observe(4);
        bound.Observe(5);
        Assert.Single(Warnings()); // once while it stays high
        bound.Observe(4); // 4 is not below 50% of 7: still armed off
        bound.Observe(5);
        Assert.Single(Warnings());
        bound.Observe(3); // 3 of 7 is below 50%: re-armed
        bound.Observe(6);
        Assert.Equal(2, Warnings().Count);
        Assert.Contains("peers", Warnings()[1].Message);
        Assert.Contains("PeerNet:MaxPeers", Warnings()[1].Message);
        Assert.Equal(6, bound.Occupancy);
    }

    [Fact]
    public void AHitIsCountedOnTheMeter_TaggedWithTheLimit()
    {
        var limits = Limits();
        using var hits = _telemetry.Services.Collect("peernet.limit.hits");
        limits.RouterQueue.Hit();
        limits.RouterQueue.Hit();
        limits.SendQueue.Hit();
        Assert.Equal((2, 1), (hits.Sum("limit", "router_queue"), hits.Sum("limit", "send_queue")));
    }

    private List<FakeLogRecord> Warnings() => _logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).ToList();
}
