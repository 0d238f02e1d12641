using Microsoft.Extensions.DependencyInjection;
using PeerNet.Gossip;
using PeerNet.Gossip.Seeds;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Seeds;

/// <summary>
/// DNS seeds over in-memory connections, with a resolver the test controls: resolved at every round, their addresses
/// dialled and backing off like stored ones, failures counted, the gossip scope applied. Nothing is resolved for real.
/// </summary>
public sealed class SeedBootstrapTests : IAsyncLifetime
{
    private readonly MemoryNet _net = new();
    private readonly FakeSeedResolver _dns = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    private Task<MemoryNode> AddAsync(string address, Action<PeerNetOptions> configure) =>
        _net.AddAsync(address, configure, services: s => s.AddSingleton<ISeedResolver>(_dns));

    [Fact]
    public async Task AHostSeed_IsResolvedAtEveryRound_AndTheAddressesItGivesNowAreDialled()
    {
        // a advertises a loopback address: a local test network, where loopback addresses may be dialled.
        var a = await AddAsync("tcp://127.0.0.1:1", o => { o.Connections = 5; o.Advertise = ["tcp://127.0.0.1:1"]; o.Seeds = ["tcp://peers.test:1"]; });
        foreach (var ip in new[] { "127.0.0.2", "127.0.0.3", "127.0.0.4" })
            await _net.AddAsync($"tcp://{ip}:1");
        await a.Node.SaveAsync(["tcp://127.0.0.2:1"], TestContext.Current.CancellationToken); // stored and resolved: dialled once
        var bootstrap = a.Get<Bootstrapper>();
        using var dials = a.Services.Collect("peernet.dials");
        using var lookups = a.Services.Collect("peernet.seeds.resolutions");

        _dns.Addresses("peers.test", "127.0.0.2");
        Assert.Equal(1, await bootstrap.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["tcp://127.0.0.2:1"], a.Network.OpenAddresses().Order());

        // The name answers differently now: the next round asks again and dials what it gives.
        _dns.Addresses("peers.test", "127.0.0.3", "127.0.0.4", "127.0.0.5");
        Assert.Equal(3, await bootstrap.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["tcp://127.0.0.2:1", "tcp://127.0.0.3:1", "tcp://127.0.0.4:1"], a.Network.OpenAddresses().Order());
        Assert.True(bootstrap.Backoff.IsWaiting("tcp://127.0.0.5:1")); // nothing there: it backs off like a stored address

        // Still short of five peers: every round resolves again, and dials nothing that is connected or backing off.
        Assert.Equal(0, await bootstrap.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(3, _dns.Calls("peers.test"));
        Assert.Equal((3, 4), (lookups.Sum("result", "ok"), dials.Sum()));

        // What answered is saved like a learned address; the name itself and the silent address are not.
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["tcp://127.0.0.2:1", "tcp://127.0.0.3:1", "tcp://127.0.0.4:1"], (await a.Node.KnownAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken)).Order());
    }

    [Fact]
    public async Task ResolvedIps_PassTheScopeOfLearnedAddresses()
    {
        string[] ips = ["10.1.2.3", "169.254.1.1", "224.0.0.1", "0.0.0.0", "255.255.255.255", "::", "fe80::1", "ff02::1",
            "127.0.0.1", "127.0.0.2", "::1", "::ffff:10.1.2.4", "2001:db8::1"];
        _dns.Addresses("peernet.default.svc", ips);
        var remote = await AddAsync("tcp://remote:1", o => o.Seeds = ["ws://peernet.default.svc:8080/peer"]);
        var local = await AddAsync("tcp://local:1", o => { o.Seeds = ["ws://peernet.default.svc:8080/peer"]; o.Advertise = ["ws://127.0.0.1:8080/peer"]; });
        string[] routable = ["ws://10.1.2.3:8080/peer", "ws://10.1.2.4:8080/peer", "ws://[2001:db8::1]:8080/peer"];

        using var refused = remote.Services.Collect("peernet.seeds.addresses.refused");
        var fromRemote = await remote.Get<SeedExpander>().ExpandAsync(TestContext.Current.CancellationToken);
        Assert.Equal(routable.Order(), fromRemote.Select(a => a.Value).Order());
        Assert.Equal(10, refused.Sum("reason", "scope")); // link-local, multicast, unspecified, broadcast, and loopback here

        // A node that advertises loopback takes loopback IPs too, but never its own address.
        var fromLocal = await local.Get<SeedExpander>().ExpandAsync(TestContext.Current.CancellationToken);
        Assert.Equal(routable.Append("ws://127.0.0.2:8080/peer").Append("ws://[::1]:8080/peer").Order(), fromLocal.Select(a => a.Value).Order());
    }

    [Fact]
    public async Task AFailingResolver_IsCounted_AndBootstrapGoesOn()
    {
        var a = await AddAsync("tcp://127.0.0.1:1", o =>
        {
            o.Connections = 3;
            o.Advertise = ["tcp://127.0.0.1:1"];
            o.Seeds = ["tcp://broken.test:1", "tcp://slow.test:1", "tcp://missing.test:1", "srv+tcp://_peernet._tcp.broken.test"];
            o.SeedResolveTimeout = 100;
        });
        await _net.AddAsync("tcp://127.0.0.2:1");
        await a.Node.SaveAsync(["tcp://127.0.0.2:1"], TestContext.Current.CancellationToken);
        _dns.Fails("broken.test", new InvalidOperationException("resolver broke"))
            .Hangs("slow.test") // and ignores its token: the timeout still ends the lookup
            .Fails("_peernet._tcp.broken.test", new TimeoutException("no answer"));
        var bootstrap = a.Get<Bootstrapper>();
        using var lookups = a.Services.Collect("peernet.seeds.resolutions");

        Assert.Equal(1, await bootstrap.RunOnceAsync(TestContext.Current.CancellationToken)); // the stored address
        Assert.Equal(0, await bootstrap.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, a.Network.Count);

        Assert.Equal(2, _dns.Calls("slow.test"));
        Assert.Equal(0, lookups.Sum("result", "ok"));
        Assert.Equal((2, 4, 2), (lookups.Sum("reason", "error"), lookups.Sum("reason", "timeout"), lookups.Sum("reason", "not_found")));
    }

    [Fact]
    public async Task AnSrvSeed_GivesEachTargetsAddressesWithItsPort_AndFollowsTheRecords()
    {
        var a = await AddAsync("tcp://127.0.0.1:1", o =>
        {
            o.Connections = 8;
            o.Advertise = ["tcp://127.0.0.1:1"];
            o.Seeds = ["srv+tcp://_peernet._tcp.cluster.test"];
        });
        foreach (var address in new[] { "tcp://127.0.0.2:7001", "tcp://127.0.0.3:7002", "tcp://127.0.0.4:7002", "tcp://127.0.0.5:7003" })
            await _net.AddAsync(address);
        _dns.Services("_peernet._tcp.cluster.test",
                new SrvTarget("n1.cluster.test", 7001, Priority: 0), new SrvTarget("n2.cluster.test", 7002, Priority: 10), new SrvTarget(".", 0))
            .Addresses("n1.cluster.test", "127.0.0.2")
            .Addresses("n2.cluster.test", "127.0.0.3", "127.0.0.4");
        var bootstrap = a.Get<Bootstrapper>();
        using var refused = a.Services.Collect("peernet.seeds.addresses.refused");

        Assert.Equal(3, await bootstrap.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["tcp://127.0.0.2:7001", "tcp://127.0.0.3:7002", "tcp://127.0.0.4:7002"], a.Network.OpenAddresses().Order());
        Assert.Equal(1, refused.Sum("reason", "invalid")); // "." means no service

        // A new target appears (another port on another host): the next round finds and dials it.
        _dns.Services("_peernet._tcp.cluster.test", new SrvTarget("n1.cluster.test", 7001), new SrvTarget("n3.cluster.test", 7003))
            .Addresses("n3.cluster.test", "127.0.0.5");
        Assert.Equal(1, await bootstrap.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.Contains("tcp://127.0.0.5:7003", a.Network.OpenAddresses());
        Assert.Equal(2, _dns.Calls("_peernet._tcp.cluster.test"));
        Assert.Equal(2, _dns.Calls("n1.cluster.test"));
    }

    [Fact]
    public async Task DnsSeedsAreNotSavedAtStart_AddressSeedsAre()
    {
        var a = await AddAsync("tcp://127.0.0.1:1", o => o.Seeds = ["tcp://127.0.0.9:1", "tcp://peers.test:1", "srv+tcp://_peernet._tcp.cluster.test", "tcp://localhost:2"]);
        var identity = a.Identity;
        Assert.Equal(["tcp://127.0.0.9:1", "tcp://localhost:2"], identity.SavedSeeds.Select(s => s.Value));
        Assert.Equal(["tcp://peers.test:1", "srv+tcp://_peernet._tcp.cluster.test"], identity.ResolvedSeeds.Select(s => s.Text));
        Assert.Equal(["tcp://127.0.0.9:1", "tcp://peers.test:1", "tcp://localhost:2"], identity.Seeds.Select(s => s.Value)); // purge keeps these
    }
}
