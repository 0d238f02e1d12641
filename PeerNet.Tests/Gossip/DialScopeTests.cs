using Microsoft.Extensions.DependencyInjection;
using PeerNet.Gossip;
using PeerNet.Gossip.Seeds;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip;

/// <summary>
/// The scope checked again at dial time (threat M2): learned names are resolved (by a resolver the test controls) and
/// every IP must pass. The net routes by address, so an address that is dialled reaches node b in memory: nothing
/// is ever dialled on a real network, and "b got no connection" is what "the dial never happened" means.
/// </summary>
public sealed class DialScopeTests : IAsyncLifetime
{
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    private async Task<(MemoryNode A, MemoryNode B)> StartAsync(PrivateAddressPolicy policy, FakeSeedResolver resolver, string[]? advertise = null)
    {
        var a = await _net.AddAsync("tcp://a:1", o =>
        {
            o.Connections = 8;
            o.GossipPrivateAddresses = policy;
            o.Advertise = [.. advertise ?? []];
        }, services: s => s.AddSingleton<ISeedResolver>(resolver));
        var b = await _net.AddAsync("tcp://b:1");
        return (a, b);
    }

    private static FakeSeedResolver Names() => new FakeSeedResolver()
        .Addresses("loop.example", "127.0.0.1")
        .Addresses("private.example", "10.0.0.5")
        .Addresses("cgnat.example", "100.64.3.4")
        .Addresses("imds.example", "169.254.169.254")
        .Addresses("imds6.example", "fd00:ec2::254")
        .Addresses("mixed.example", "198.51.100.7", "10.0.0.5")
        .Addresses("public.example", "198.51.100.7");

    /// <summary>Puts addresses into a's table as gossip would (the new table), each aliased to b.</summary>
    private async Task LearnAsync(MemoryNode a, MemoryNode b, params string[] addresses)
    {
        foreach (var address in addresses)
            _net.Alias(address, b); // dialled, it would connect to b
        // No source: each address is placed by its own group, so they spread over the table.
        Assert.True(a.Store.TrySaveLearned(addresses.Select(x => PeerNet.Addressing.PeerAddress.Parse(x)), source: null));
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(addresses.Length, a.Store.Count);
    }

    [Fact]
    public async Task Refuse_NamesResolvingToLoopbackPrivateOrMetadata_AreNeverDialled_NorCountedAsFailures()
    {
        var (a, b) = await StartAsync(PrivateAddressPolicy.Refuse, Names());
        string[] bad = ["tcp://loop.example:1", "tcp://private.example:1", "tcp://cgnat.example:1", "tcp://imds.example:1", "tcp://imds6.example:1",
            "tcp://mixed.example:1", "tcp://10.0.0.5:1", "tcp://nowhere.example:1"];
        await LearnAsync(a, b, bad);
        using var refused = a.Services.Collect("peernet.dials.refused");
        var bootstrap = a.Get<Bootstrapper>();

        Assert.Equal(8, await bootstrap.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, b.Network.OpenConnections); // no dial reached anything
        Assert.Equal(0, a.Network.OpenConnections);
        Assert.Equal((7, 1), (refused.Sum("reason", "scope"), refused.Sum("reason", "unresolved")));
        Assert.All(bad, address => Assert.True(bootstrap.Backoff.IsWaiting(address)));
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        foreach (var address in bad) // purge must not punish the address's owner for this node's refusal
            Assert.Equal(0, (await a.Node.GetStatsAsync(address, TestContext.Current.CancellationToken))?.Connections.Fail ?? 0);
    }

    [Fact]
    public async Task Allow_PrivateNamesAreDialled_LoopbackAndMetadataStillRefused()
    {
        var (a, b) = await StartAsync(PrivateAddressPolicy.Allow, Names());
        await LearnAsync(a, b, "tcp://loop.example:1", "tcp://imds.example:1", "tcp://imds6.example:1", "tcp://private.example:1");
        using var refused = a.Services.Collect("peernet.dials.refused");

        Assert.Equal(4, await a.Get<Bootstrapper>().RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["tcp://private.example:1"], a.Network.OpenAddresses());
        await Wait.UntilAsync(() => b.Network.Count == 1, TimeSpan.FromSeconds(10), "b sees the connection handshaken too (its end may lag a's)");
        Assert.Equal(3, refused.Sum("reason", "scope"));
    }

    [Fact]
    public async Task Auto_OnANodeAdvertisingANameThatResolvesGlobal_RefusesPrivate_ButDialsPublic()
    {
        var resolver = Names().Addresses("me.example", "203.0.113.10");
        var (a, b) = await StartAsync(PrivateAddressPolicy.Auto, resolver, ["tcp://me.example:1"]);
        await LearnAsync(a, b, "tcp://private.example:1", "tcp://public.example:1");
        using var refused = a.Services.Collect("peernet.dials.refused");

        Assert.Equal(2, await a.Get<Bootstrapper>().RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["tcp://public.example:1"], a.Network.OpenAddresses());
        Assert.Equal(1, refused.Sum("reason", "scope"));
        Assert.Equal(1, resolver.Calls("me.example")); // decided once
    }

    [Fact]
    public async Task Auto_OnAPrivateFleet_DialsPrivateNames()
    {
        var (a, b) = await StartAsync(PrivateAddressPolicy.Auto, Names(), ["tcp://10.0.0.9:1"]);
        await LearnAsync(a, b, "tcp://private.example:1");
        Assert.Equal(1, await a.Get<Bootstrapper>().RunOnceAsync(TestContext.Current.CancellationToken));
        await Wait.UntilAsync(() => b.Network.Count == 1, TimeSpan.FromSeconds(10), "b sees the connection handshaken too (its end may lag a's)");
    }

    [Fact]
    public async Task AnExplicitSave_IsTheOperatorsChoice_AndIsDialledInRefuseMode()
    {
        var (a, b) = await StartAsync(PrivateAddressPolicy.Refuse, Names());
        _net.Alias("tcp://private.example:1", b);
        await a.Node.SaveAsync(["tcp://private.example:1"], TestContext.Current.CancellationToken);

        Assert.Equal(1, await a.Get<Bootstrapper>().RunOnceAsync(TestContext.Current.CancellationToken));
        await Wait.UntilAsync(() => b.Network.Count == 1, TimeSpan.FromSeconds(10), "b sees the connection handshaken too (its end may lag a's)");
    }

    [Fact]
    public async Task AConfiguredSeed_IsTheOperatorsChoice_AndIsDialledInRefuseMode()
    {
        var a = await _net.AddAsync("tcp://a:1", o =>
        {
            o.GossipPrivateAddresses = PrivateAddressPolicy.Refuse;
            o.Seeds = ["tcp://10.0.0.5:1"];
        }, services: s => s.AddSingleton<ISeedResolver>(Names()));
        var b = await _net.AddAsync("tcp://b:1");
        _net.Alias("tcp://10.0.0.5:1", b);
        await a.Node.SaveAsync(["tcp://10.0.0.5:1"], TestContext.Current.CancellationToken);

        Assert.Equal(1, await a.Get<Bootstrapper>().RunOnceAsync(TestContext.Current.CancellationToken));
        await Wait.UntilAsync(() => b.Network.Count == 1, TimeSpan.FromSeconds(10), "b sees the connection handshaken too (its end may lag a's)");
    }
}
