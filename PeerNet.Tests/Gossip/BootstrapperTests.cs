using PeerNet.Gossip;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip;

/// <summary>Bootstrap's decisions over in-memory connections: what it dials, what it skips, when it stops.</summary>
public sealed class BootstrapperTests : IAsyncLifetime
{
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    // The seed of a's random source fixes the point on the hash ring its sample starts from, so which two of the
    // three addresses the first round dials: with seed 1 the two live ones, with seed 2 the dead one and b.
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public async Task DialsUpToTheShortfall_SkipsOwnAndDeadAddresses_ThenStops(int seed, bool deadInTheFirstRound)
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.Connections = 2; o.Advertise = ["tcp://a:1"]; }, random: new RandomSource(seed));
        var b = await _net.AddAsync("tcp://b:1");
        var c = await _net.AddAsync("tcp://c:1");
        await a.Node.SaveAsync(["tcp://b:1", "tcp://c:1", "tcp://dead:1"], TestContext.Current.CancellationToken);
        var bootstrap = a.Get<Bootstrapper>();
        using var dials = a.Services.Collect("peernet.dials");

        // Two peers wanted: the first round dials two of the three.
        Assert.Equal(2, await bootstrap.RunOnceAsync(CancellationToken.None));
        Assert.Equal(deadInTheFirstRound ? ["tcp://b:1"] : ["tcp://b:1", "tcp://c:1"], a.Network.OpenAddresses().Order());
        // A second round fills the gap the dead one left, with the one address neither connected nor backing off.
        Assert.Equal(deadInTheFirstRound ? 1 : 0, await bootstrap.RunOnceAsync(CancellationToken.None));

        Assert.Equal(2, a.Network.Count);
        Assert.Equal(["tcp://b:1", "tcp://c:1"], a.Network.OpenAddresses().Order());
        Assert.Equal(0, await bootstrap.RunOnceAsync(CancellationToken.None)); // enough peers: nothing dialled
        Assert.Equal(deadInTheFirstRound ? 3 : 2, dials.Sum());
        Assert.Equal(2, dials.Sum("result", "ok"));

        // The dead one, if tried, is backing off and its failure is on record.
        Assert.Equal(deadInTheFirstRound, bootstrap.Backoff.IsWaiting("tcp://dead:1"));
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(deadInTheFirstRound ? 1 : 0, (await a.Node.GetStatsAsync("tcp://dead:1", TestContext.Current.CancellationToken))!.Connections.Fail);
    }

    [Fact]
    public async Task WhenEveryTrustedAddressIsBackingOff_TheNewTablesDrawIsDialled()
    {
        // Five dead explicit saves outnumber the sample's trusted share (4 of 4 wanted); the one live address is only learned.
        var a = await _net.AddAsync("tcp://a:1", o => o.Connections = 1);
        var b = await _net.AddAsync("tcp://b:1");
        await a.Node.SaveAsync(Enumerable.Range(0, 5).Select(i => $"tcp://dead{i}:1"), TestContext.Current.CancellationToken);
        Assert.True(a.Store.TrySaveLearned([PeerNet.Addressing.PeerAddress.Parse("tcp://b:1", new HashSet<string> { "tcp" })], source: null));
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        var bootstrap = a.Get<Bootstrapper>();

        // Each round dials one dead address and it backs off; once all five do, the learned one is reached.
        for (var round = 0; round < 10 && a.Network.Count == 0; round++)
            await bootstrap.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["tcp://b:1"], a.Network.OpenAddresses());
        // b counts the link once a's hello answer reaches it, a moment after a counted it.
        await Wait.UntilAsync(() => b.Network.Count == 1, TimeSpan.FromSeconds(10), "b counts the link a dialled");
        Assert.Equal(1, b.Network.Count);
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

    // The seeds fix the node keys (MemoryNet), so the node ids, so which end the crossed-dial rule favours: a's id is
    // the lower with seeds 2 and 102, the higher with 3 and 103.
    [Theory]
    [InlineData(2, 102, true)]
    [InlineData(3, 103, false)]
    public async Task AnAddressOfANodeAlreadyConnectedFromItsEndIsLeftAlone(int seedA, int seedB, bool aHasTheLowerId)
    {
        var a = await _net.AddAsync("tcp://a:1", o => o.Connections = 2, random: new RandomSource(seedA));
        var b = await _net.AddAsync("tcp://b:1", random: new RandomSource(seedB));
        Assert.Equal(aHasTheLowerId, a.Identity.Id.CompareTo(b.Identity.Id) < 0);
        await b.ConnectAsync(a, TestContext.Current.CancellationToken); // b dialled a: a knows b only as an inbound peer
        await Wait.UntilAsync(() => a.Network.Count == 1, TimeSpan.FromSeconds(10), "a sees b");
        await a.Node.SaveAsync(["tcp://b:1"], TestContext.Current.CancellationToken);
        var bootstrap = a.Get<Bootstrapper>();
        using var dials = a.Services.Collect("peernet.dials");

        // Finds b already connected: both ends keep the connection the lower id dialled. When that is a's, b's
        // connection is replaced by it; when it is b's, a's dial is refused and the address is left alone.
        Assert.Equal(1, await bootstrap.RunOnceAsync(CancellationToken.None));
        await Wait.UntilAsync(() => a.Network.OpenConnections == 1, TimeSpan.FromSeconds(10), "one connection stays");
        var kept = Assert.Single(a.Network.Peers);
        Assert.Equal(aHasTheLowerId ? PeerNet.Peers.PeerDirection.Outbound : PeerNet.Peers.PeerDirection.Inbound, kept.Direction);
        Assert.Equal(aHasTheLowerId, a.Network.OpenAddresses().Contains("tcp://b:1"));
        Assert.Equal(!aHasTheLowerId, bootstrap.Backoff.IsWaiting("tcp://b:1"));
        Assert.Equal(aHasTheLowerId ? 1 : 0, dials.Sum("result", "ok"));

        // Either way the address is not dialled again, and the refusal is no failure of b's address.
        Assert.Equal(0, await bootstrap.RunOnceAsync(CancellationToken.None));
        Assert.Equal(1, a.Network.Count);
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, (await a.Node.GetStatsAsync("tcp://b:1", TestContext.Current.CancellationToken))!.Connections.Fail);
    }
}
