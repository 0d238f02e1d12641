using PeerNet.Addressing;
using PeerNet.Gossip;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip;

public sealed class PurgerTests : IAsyncLifetime
{
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 0, false)] // never tried
    [InlineData(0, 1, true)]
    [InlineData(1, 4, false)] // exactly 20%
    [InlineData(1, 5, true)]
    [InlineData(5, 5, false)]
    [InlineData(3, 0, false)]
    public void TheOriginalsRule_WithTheWaitsOff(long ok, long fail, bool dead) =>
        Assert.Equal(dead, PurgePolicy.IsDead(new ConnectionCounts(ok, fail, fail > 0 ? Now : null), Now,
            new PeerNetOptions { PurgeMinFailures = 1, PurgeFailingFor = TimeSpan.Zero }));

    [Theory]
    [InlineData(0, 1, 120, false)] // one failure, however old: an attacker can cause one
    [InlineData(0, 2, 120, false)]
    [InlineData(0, 3, 59, false)] // three failures within the hour: an outage, or a burst someone caused
    [InlineData(0, 3, 60, true)]
    [InlineData(1, 9, 60, true)]
    [InlineData(5, 5, 600, false)] // half succeeded
    public void ByDefault_SeveralFailuresOverAnHour(long ok, long fail, int failingForMinutes, bool dead) =>
        Assert.Equal(dead, PurgePolicy.IsDead(new ConnectionCounts(ok, fail, Now - TimeSpan.FromMinutes(failingForMinutes)), Now, new PeerNetOptions()));

    [Fact]
    public void AnAddressThatLastSucceeded_IsNotFailing() =>
        Assert.False(PurgePolicy.IsDead(new ConnectionCounts(0, 50, FailingSince: null), Now, new PeerNetOptions { PurgeMinFailures = 1, PurgeFailingFor = TimeSpan.Zero }));

    [Fact]
    public async Task RemovesDeadAddresses_KeepsConnectedOnesAndSeeds()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.PurgeSample = 100; o.Seeds = ["tcp://seed:1"]; Immediate(o); });
        var live = await _net.AddAsync("tcp://live:1");
        string[] addresses = ["tcp://dead:1", "tcp://mostly-dead:1", "tcp://flaky:1", "tcp://untried:1", "tcp://seed:1", "tcp://live:1"];
        await a.Node.SaveAsync(addresses, TestContext.Current.CancellationToken);
        Record(a, "tcp://dead:1", ok: 0, fail: 3);
        Record(a, "tcp://mostly-dead:1", ok: 1, fail: 9);
        Record(a, "tcp://flaky:1", ok: 1, fail: 1);
        Record(a, "tcp://seed:1", ok: 0, fail: 7);
        Record(a, "tcp://live:1", ok: 0, fail: 5);
        await a.ConnectAsync(live, TestContext.Current.CancellationToken); // now connected: kept whatever its record says
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);

        var removed = await a.Get<Purger>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(["tcp://dead:1", "tcp://mostly-dead:1"], removed.Order());
        Assert.Equal(["tcp://flaky:1", "tcp://live:1", "tcp://seed:1", "tcp://untried:1"], (await a.Node.KnownAsync(TestContext.Current.CancellationToken).ToListAsync(cancellationToken: TestContext.Current.CancellationToken)).Order());
        Assert.Null(await a.Node.GetStatsAsync("tcp://dead:1", TestContext.Current.CancellationToken)); // its stats went with it
        Assert.True(await a.Store.IsRemovedAsync(PeerAddress.Parse("tcp://dead:1"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ChecksOnlyItsSample()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.PurgeSample = 3; Immediate(o); });
        var addresses = Enumerable.Range(0, 50).Select(i => $"tcp://dead-{i}:1").ToList();
        await a.Node.SaveAsync(addresses, TestContext.Current.CancellationToken);
        foreach (var address in addresses)
            Record(a, address, ok: 0, fail: 1);
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, (await a.Get<Purger>().RunOnceAsync(CancellationToken.None)).Count);
        Assert.Equal(47, a.Store.Count);
    }

    /// <summary>The original's rule: one failure with no success is enough, at once.</summary>
    private static void Immediate(PeerNetOptions options)
    {
        options.PurgeMinFailures = 1;
        options.PurgeFailingFor = TimeSpan.Zero;
    }

    private static void Record(MemoryNode node, string address, long ok, long fail)
    {
        var parsed = PeerAddress.Parse(address);
        if (ok > 0) Assert.True(node.Store.TryRecord(parsed, StatField.ConnectionOk, ok));
        if (fail > 0) Assert.True(node.Store.TryRecord(parsed, StatField.ConnectionFail, fail));
    }
}
