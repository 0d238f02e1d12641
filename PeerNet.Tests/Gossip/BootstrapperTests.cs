using PeerNet.Gossip;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip;

/// <summary>Bootstrap's decisions over in-memory connections: what it dials, what it skips, when it stops.</summary>
public sealed class BootstrapperTests : IAsyncLifetime
{
    private readonly MemoryNet _net = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _net.DisposeAsync();

    [Fact]
    public async Task DialsUpToTheShortfall_SkipsOwnAndDeadAddresses_ThenStops()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.Connections = 2; o.Advertise = ["tcp://a:1"]; });
        var b = await _net.AddAsync("tcp://b:1");
        var c = await _net.AddAsync("tcp://c:1");
        await a.Node.SaveAsync(["tcp://b:1", "tcp://c:1", "tcp://dead:1"]);
        var bootstrap = a.Get<Bootstrapper>();

        // Two peers wanted: the first round dials at most two of the three, the second fills any gap.
        for (var round = 0; round < 3 && a.Network.Count < 2; round++)
            await bootstrap.RunOnceAsync(CancellationToken.None);

        Assert.Equal(2, a.Network.Count);
        Assert.Equal(["tcp://b:1", "tcp://c:1"], a.Network.OpenAddresses().Order());
        Assert.Equal(0, await bootstrap.RunOnceAsync(CancellationToken.None)); // enough peers: nothing dialled

        if (bootstrap.Dials > 2)
        {
            // The dead one was tried: it is backing off and its failure is on record.
            Assert.True(bootstrap.Backoff.IsWaiting("tcp://dead:1"));
            await a.Store.FlushAsync();
            Assert.Equal(1, (await a.Node.GetStatsAsync("tcp://dead:1"))!.Connections.Fail);
        }
    }

    [Fact]
    public async Task AFailedAddressIsNotDialledAgainWhileItBacksOff()
    {
        var a = await _net.AddAsync("tcp://a:1", o => o.Connections = 3);
        await a.Node.SaveAsync(["tcp://dead:1", "tcp://gone:1"]);
        var bootstrap = a.Get<Bootstrapper>();

        Assert.Equal(2, await bootstrap.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await bootstrap.RunOnceAsync(CancellationToken.None)); // both back off: no storm
        Assert.Equal(2, bootstrap.Dials);
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
        await b.ConnectAsync(a); // b dialled a: a knows b only as an inbound peer
        await Wait.UntilAsync(() => a.Network.Count == 1, TimeSpan.FromSeconds(10), "a sees b");
        await a.Node.SaveAsync(["tcp://b:1"]);
        var bootstrap = a.Get<Bootstrapper>();

        // Finds b already connected: by the crossed-dial rule one of the two connections stays (which one depends
        // on the node ids), and the address is not dialled again either way.
        await bootstrap.RunOnceAsync(CancellationToken.None);
        await Wait.UntilAsync(() => a.Network.OpenConnections == 1, TimeSpan.FromSeconds(10), "one connection stays");
        Assert.True(bootstrap.Backoff.IsWaiting("tcp://b:1") || a.Network.OpenAddresses().Contains("tcp://b:1"));
        Assert.Equal(0, await bootstrap.RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, a.Network.Count);
        await a.Store.FlushAsync();
        Assert.Equal(0, (await a.Node.GetStatsAsync("tcp://b:1"))!.Connections.Fail); // not a failure of b's address
    }
}
