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

    [Theory]
    [InlineData(0, 0, false)] // never tried
    [InlineData(0, 1, true)]
    [InlineData(1, 4, false)] // exactly 20%
    [InlineData(1, 5, true)]
    [InlineData(5, 5, false)]
    [InlineData(3, 0, false)]
    public void TheOriginalsRule(long ok, long fail, bool dead) => Assert.Equal(dead, PurgePolicy.IsDead(ok, fail));

    [Fact]
    public async Task RemovesDeadAddresses_KeepsConnectedOnesAndSeeds()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.PurgeSample = 100; o.Seeds = ["tcp://seed:1"]; });
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
        var a = await _net.AddAsync("tcp://a:1", o => o.PurgeSample = 3);
        var addresses = Enumerable.Range(0, 50).Select(i => $"tcp://dead-{i}:1").ToList();
        await a.Node.SaveAsync(addresses, TestContext.Current.CancellationToken);
        foreach (var address in addresses)
            Record(a, address, ok: 0, fail: 1);
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, (await a.Get<Purger>().RunOnceAsync(CancellationToken.None)).Count);
        Assert.Equal(47, a.Store.Count);
    }

    private static void Record(MemoryNode node, string address, long ok, long fail)
    {
        var parsed = PeerAddress.Parse(address);
        if (ok > 0) Assert.True(node.Store.TryRecord(parsed, StatField.ConnectionOk, ok));
        if (fail > 0) Assert.True(node.Store.TryRecord(parsed, StatField.ConnectionFail, fail));
    }
}
