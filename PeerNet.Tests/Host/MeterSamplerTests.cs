using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Host.Dashboard;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>The dashboard's reading of the node's meter: this node's instruments only, totals and last values, rates between samples, a bounded ring.</summary>
public sealed class MeterSamplerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-06-01T12:00:00Z"));
    private readonly StandaloneTelemetry _node = new();
    private readonly StandaloneTelemetry _otherNode = new(); // another host in the same process: same meter name, its own factory
    private readonly MeterSampler _sampler;

    public MeterSamplerTests()
    {
        _sampler = new MeterSampler(_node.Services.GetRequiredService<IMeterFactory>(), _time, Options.Create(new PeerNetOptions()),
            NullLogger<MeterSampler>.Instance);
    }

    public void Dispose()
    {
        _sampler.Dispose();
        _node.Dispose();
        _otherNode.Dispose();
    }

    private MeterItem Item(string name) => Assert.Single(_sampler.Instruments(), i => i.Name == name);

    [Fact]
    public void Rates_AreDifferencesBetweenSamples_PerSecond_OfThisNodesCountersOnly()
    {
        long framesIn = 0;
        _node.Metrics.ObserveCounter("peernet.frames.received", "{frame}", "test", () => framesIn);
        _otherNode.Metrics.ObserveCounter("peernet.frames.received", "{frame}", "test", () => 1_000_000);
        _sampler.Sample();
        Assert.Null(_sampler.LatestRate()); // one sample is no rate yet

        framesIn = 10;
        for (var i = 0; i < 3; i++)
            _node.Metrics.MessageDropped("field_limit");
        _node.Metrics.ResponseDropped("duplicate");
        _node.Metrics.AnnounceReceived();
        for (var i = 0; i < 50; i++)
            _otherNode.Metrics.MessageDropped("field_limit");
        _time.Advance(TimeSpan.FromSeconds(2));
        _sampler.Sample();

        var rate = _sampler.LatestRate()!;
        Assert.Equal(_time.GetUtcNow(), rate.Time);
        Assert.Equal(5, rate.FramesIn);
        Assert.Equal(2, rate.Drops); // (3 messages + 1 response) over 2 s
        Assert.Equal(0.5, rate.Announces);
        Assert.Equal(0, rate.FramesOut); // not published: no rate, no error
        Assert.Equal(10, Item("peernet.frames.received").Value);
        Assert.Equal(3, Item("peernet.messages.dropped").Value);
        Assert.Equal("counter", Item("peernet.messages.dropped").Kind);
        Assert.Equal(1.5, Item("peernet.messages.dropped").Rate);
        Assert.Single(_sampler.RateHistory());
    }

    [Fact]
    public void Gauges_ShowTheirLastValue_SummedOverTags_WithoutARate()
    {
        var queued = 7L;
        _node.Metrics.ObserveGauge("peernet.router.queue.length", "{message}", "test", () => queued);
        _node.Metrics.ObserveGauge("peernet.peers.connected", "{peer}", "test", () =>
            [new Measurement<long>(2, new KeyValuePair<string, object?>("direction", "inbound")), new Measurement<long>(3, new KeyValuePair<string, object?>("direction", "outbound"))]);
        _sampler.Sample();
        queued = 4;
        _time.Advance(TimeSpan.FromSeconds(1));
        _sampler.Sample();

        Assert.Equal(("gauge", 4.0, (double?)null), (Item("peernet.router.queue.length").Kind, Item("peernet.router.queue.length").Value, Item("peernet.router.queue.length").Rate));
        Assert.Equal(5, Item("peernet.peers.connected").Value);
    }

    [Fact]
    public void InstrumentRates_SpanTheLastMinute_AndTheRingKeepsFiveMinutes()
    {
        for (var i = 0; i <= 400; i++)
        {
            _node.Metrics.Dial(ok: true, PeerNet.Peers.DialPurpose.Bootstrap);
            _node.Metrics.Dial(ok: i % 2 == 0, PeerNet.Peers.DialPurpose.Feeler);
            _sampler.Sample();
            _time.Advance(MeterSampler.Interval);
        }
        Assert.Equal(MeterSampler.Capacity - 1, _sampler.RateHistory().Count);
        Assert.All(_sampler.RateHistory(), p => Assert.Equal(0, p.FramesIn));
        Assert.Equal(802, Item("peernet.dials").Value);
        Assert.Equal(2, Item("peernet.dials").Rate);
        Assert.Equal(401, _sampler.Sequence);
    }

    [Fact]
    public async Task WaitForSample_CompletesWithTheNextSample()
    {
        _sampler.Sample();
        var waiting = _sampler.WaitForSampleAsync(TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        _sampler.Sample();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void ADecreasingTotal_OrOneMissingFromASample_GivesARateOfZero()
    {
        Assert.Equal(0, RateSeries.Rate(10, 4, 1));
        Assert.Equal(0, RateSeries.Rate(double.NaN, 4, 1));
        Assert.Equal(0, RateSeries.Rate(1, 4, 0));
        Assert.Equal(1.5, RateSeries.Rate(1, 4, 2));
    }
}
