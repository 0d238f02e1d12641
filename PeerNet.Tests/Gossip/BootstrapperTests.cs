using PeerNet.Gossip;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;
using PeerNet.Tests.Peers;

namespace PeerNet.Tests.Gossip;

/// <summary>Bootstrap's decisions over in-memory connections: what it dials, what it skips, when it stops.</summary>
public sealed class BootstrapperTests : IAsyncLifetime
{
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    [Fact]
    public async Task DialsUpToTheShortfall_SkipsOwnAndDeadAddresses_ThenStops()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.Connections = 2; o.Advertise = ["tcp://a:1"]; });
        var b = await _net.AddAsync("tcp://b:1");
        var c = await _net.AddAsync("tcp://c:1");
        await a.Node.SaveAsync(["tcp://b:1", "tcp://c:1", "tcp://dead:1"], TestContext.Current.CancellationToken);
        var bootstrap = a.Get<Bootstrapper>();
        using var dials = a.Services.Collect("peernet.dials");

        // Two peers wanted: the first round dials at most two of the three, the second fills any gap.
        for (var round = 0; round < 3 && a.Network.Count < 2; round++)
            await bootstrap.RunOnceAsync(CancellationToken.None);

        Assert.Equal(2, a.Network.Count);
        Assert.Equal(["tcp://b:1", "tcp://c:1"], a.Network.OpenAddresses().Order());
        Assert.Equal(0, await bootstrap.RunOnceAsync(CancellationToken.None)); // enough peers: nothing dialled

        if (dials.Sum() > 2)
        {
            // The dead one was tried: it is backing off and its failure is on record.
            Assert.True(bootstrap.Backoff.IsWaiting("tcp://dead:1"));
            await a.Store.FlushAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, (await a.Node.GetStatsAsync("tcp://dead:1", TestContext.Current.CancellationToken))!.Connections.Fail);
        }
    }

    [Fact]
    public async Task AFailedAddressIsNotDialledAgainWhileItBacksOff()
    {
        var a = await _net.AddAsync("tcp://a:1", o => o.Connections = 3);
        await a.Node.SaveAsync(["tcp://dead:1", "tcp://gone:1"], TestContext.Current.CancellationToken);
        var bootstrap = a.Get<Bootstrapper>();
        using var dials = a.Services.Collect("peernet.dials");

        Assert.Equal(2, await bootstrap.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await bootstrap.RunOnceAsync(CancellationToken.None)); // both back off: no storm
        Assert.Equal(2, dials.Sum("result", "failed"));
        Assert.Equal(0, a.Network.Count);
    }

    [Fact]
    public async Task AnEmptyStoreDialsNothing()
    {
        var a = await _net.AddAsync("tcp://a:1");
        Assert.Equal(0, await a.Get<Bootstrapper>().RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AnAddressOfANodeAlreadyConnectedFromItsEndIsLeftAlone()
    {
        var a = await _net.AddAsync("tcp://a:1", o => o.Connections = 2);
        var b = await _net.AddAsync("tcp://b:1");
        await b.ConnectAsync(a, TestContext.Current.CancellationToken); // b dialled a: a knows b only as an inbound peer
        await Wait.UntilAsync(() => a.Network.Count == 1, TimeSpan.FromSeconds(10), "a sees b");
        await a.Node.SaveAsync(["tcp://b:1"], TestContext.Current.CancellationToken);
        var bootstrap = a.Get<Bootstrapper>();

        // Finds b already connected: by the crossed-dial rule one of the two connections stays (which one depends
        // on the node ids), and the address is not dialled again either way.
        await bootstrap.RunOnceAsync(CancellationToken.None);
        await Wait.UntilAsync(() => a.Network.OpenConnections == 1, TimeSpan.FromSeconds(10), "one connection stays");
        Assert.True(bootstrap.Backoff.IsWaiting("tcp://b:1") || a.Network.OpenAddresses().Contains("tcp://b:1"));
        Assert.Equal(0, await bootstrap.RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, a.Network.Count);
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, (await a.Node.GetStatsAsync("tcp://b:1", TestContext.Current.CancellationToken))!.Connections.Fail); // not a failure of b's address
    }
}
