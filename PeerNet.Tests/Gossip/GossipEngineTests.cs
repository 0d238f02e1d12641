using Microsoft.Extensions.Time.Testing;
using PeerNet.Gossip;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip;

/// <summary>The engine's loops in virtual time: they run on schedule, survive a failing round, and stop on shutdown.</summary>
public sealed class GossipEngineTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    [Fact]
    public async Task AFailingRoundIsLoggedAndTheLoopGoesOn()
    {
        var time = new FakeTimeProvider();
        var a = await _net.AddAsync("tcp://a:1", o => { o.Purge = 1000; o.Interval = 0; o.Bootstrap = false; }, time);
        var engine = a.Get<GossipEngine>();
        // A known address, so a purge round's sample has a row to read (an empty ring index answers without SQL).
        await a.Store.SaveAsync([PeerNet.Addressing.PeerAddress.Parse("ws://known.example:1/peer")], TestContext.Current.CancellationToken);
        // Every purge round now fails: the database file is gone, so each read finds no tables.
        await a.Store.StopAsync(CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = a.Get<PeerNet.Storage.StoreLocation>().FilePath!;
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            File.Delete(path);
        using var stop = new CancellationTokenSource();
        using var failures = a.Services.Collect("peernet.engine.round.failures");
        await engine.StartAsync(stop.Token);

        for (var round = 1; round <= 3; round++)
        {
            await Wait.UntilAsync(() =>
            {
                time.Advance(TimeSpan.FromMilliseconds(1000));
                return failures.Sum("loop", "purge") >= round;
            }, Patience, $"purge round {round} failed and was counted");
        }
        Assert.False(engine.ExecuteTask!.IsCompleted);

        await engine.StopAsync(CancellationToken.None);
        Assert.True(engine.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task BootstrapDialsAtStart_AndAgainWhenAPeerDrops()
    {
        // Virtual time: the periodic round (every 5 s with Interval 0) never comes, so a reconnect can only come from the drop.
        var time = new FakeTimeProvider();
        var a = await _net.AddAsync("tcp://a:1", o => { o.Connections = 1; o.Interval = 0; o.Purge = 0; }, time);
        var b = await _net.AddAsync("tcp://b:1");
        var c = await _net.AddAsync("tcp://c:1");
        await a.Node.SaveAsync(["tcp://b:1", "tcp://c:1"], TestContext.Current.CancellationToken);
        var engine = a.Get<GossipEngine>();
        await engine.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "bootstrap dialled one peer at start");
            var first = a.Network.Peers[0];
            await first.CloseAsync("test drops it");

            // Drop-triggered rounds are at least a second apart: virtual time moves on in small steps, but never as far as
            // the 5 s period, so the replacement can only come from the drop.
            var advanced = TimeSpan.Zero;
            await Wait.UntilAsync(() =>
            {
                if (a.Network.Count == 1 && a.Network.Peers[0] != first)
                    return true;
                if (advanced < TimeSpan.FromSeconds(4))
                {
                    time.Advance(TimeSpan.FromMilliseconds(100));
                    advanced += TimeSpan.FromMilliseconds(100);
                }
                return false;
            }, Patience, "bootstrap replaced the dropped peer");
        }
        finally
        {
            await engine.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task NodeExchangeAsksNewPeersAtOnce_AndEveryInterval()
    {
        var time = new FakeTimeProvider();
        var a = await _net.AddAsync("tcp://a:1", o => { o.Interval = 5000; o.Bootstrap = false; o.Purge = 0; }, time);
        // Both on the same clock: b answers a peer's requests at most once per its own answer interval.
        var b = await _net.AddAsync("tcp://b:1", o => { o.Advertise = ["tcp://b:1"]; o.Interval = 5000; o.Bootstrap = false; o.Purge = 0; }, time);
        var engine = a.Get<GossipEngine>();
        using var learned = a.Services.Collect("peernet.exchange.addresses.learned");
        using var asked = a.Services.Collect("peernet.exchange.requests");
        await engine.StartAsync(CancellationToken.None);
        try
        {
            // StartAsync returns before ExecuteAsync has run (.NET 10 runs all of it as a Task): wait until the
            // engine listens for new peers, or b's handshake can come first and no one asks it at once.
            await Wait.UntilAsync(() => engine.IsRunning, Patience, "the engine is running");
            await a.ConnectAsync(b, TestContext.Current.CancellationToken);
            await Wait.UntilAsync(() => learned.Sum() == 1, Patience, "a asked b on connect and learned b's address");
            Assert.Equal(1, asked.Sum());
            await Wait.UntilAsync(() =>
            {
                time.Advance(TimeSpan.FromMilliseconds(5000));
                return asked.Sum() >= 2;
            }, Patience, "a asked b again after Interval");
            await Wait.UntilAsync(() => learned.Sum() >= 2, Patience, "the second answer arrived");
        }
        finally
        {
            await engine.StopAsync(CancellationToken.None);
        }
    }
}
