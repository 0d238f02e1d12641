using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Gossip.Seeds;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary>
/// Real hosts on loopback whose seeds are DNS names, resolved by a resolver the test controls (registered in the
/// host's services): the gossip engine asks again at every round and dials what the names give now.
/// </summary>
public sealed class DnsSeedTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new();
    private readonly FakeSeedResolver _dns = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    // Advertise: the host's own loopback address, so loopback IPs from DNS may be dialled (a local test network).
    private Task<TestNode> StartWithSeedAsync(string seed) => _cluster.StartAsync(new TestNodeOptions
    {
        Settings = new Dictionary<string, string?>
        {
            ["PeerNet:Bootstrap"] = "true",
            ["PeerNet:Connections"] = "3",
            ["PeerNet:Interval"] = "300",
            ["PeerNet:Seeds:0"] = seed,
        },
        Advertise = true,
        Services = s => s.AddSingleton<ISeedResolver>(_dns),
    });

    private static async Task<List<string?>> OutboundAsync(TestNode node) =>
        (await node.Client.GetFromJsonAsync<JsonElement>("/api/connections")).EnumerateArray()
            .Where(c => c.GetProperty("direction").GetString() == "outbound")
            .Select(c => c.GetProperty("address").GetString()).ToList();

    [Fact]
    public async Task AHostSeed_IsResolvedAgainUntilItAnswers_ThenTheNodeDialsWhatItGives()
    {
        var b = await _cluster.StartAsync();
        var a = await StartWithSeedAsync($"ws://peernet.cluster.test:{b.BaseAddress.Port}/peer");
        using var lookups = a.Services.Collect("peernet.seeds.resolutions");

        // The name has no records yet: every round asks again, counts the miss, and the node runs on.
        await _cluster.UntilAsync(() => lookups.Sum("reason", "not_found") >= 3, "a asked three more times, finding nothing");
        Assert.True(_dns.Calls("peernet.cluster.test") >= 3);
        Assert.Empty(await OutboundAsync(a));

        _dns.Addresses("peernet.cluster.test", "127.0.0.1");
        await _cluster.UntilAsync(async () => (await OutboundAsync(a)).Contains(b.PeerAddress), "a dialled b, found through the name");

        // Known by its resolved address, never by the name.
        await _cluster.UntilAsync(async () =>
        {
            var page = await a.Client.GetFromJsonAsync<JsonElement>("/api/nodes");
            return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("address").GetString()).SequenceEqual([b.PeerAddress]);
        }, "a saved b's resolved address");
    }

    [Fact]
    public async Task AnSrvSeed_FollowsItsRecords_ToAHostAddedLater()
    {
        var b = await _cluster.StartAsync();
        var c = await _cluster.StartAsync();
        _dns.Services("_peernet._tcp.cluster.test", new SrvTarget("b.cluster.test", b.BaseAddress.Port))
            .Addresses("b.cluster.test", "127.0.0.1")
            .Addresses("c.cluster.test", "127.0.0.1");
        var a = await StartWithSeedAsync("srv+ws://_peernet._tcp.cluster.test/peer");

        await _cluster.UntilAsync(async () => (await OutboundAsync(a)).SequenceEqual([b.PeerAddress]), "a dialled b, the one SRV target");

        // c joins the service: a, still short of three peers, finds it at a later round.
        _dns.Services("_peernet._tcp.cluster.test", new SrvTarget("b.cluster.test", b.BaseAddress.Port), new SrvTarget("c.cluster.test", c.BaseAddress.Port));
        await _cluster.UntilAsync(async () => (await OutboundAsync(a)).Order().SequenceEqual(new[] { b.PeerAddress, c.PeerAddress }.Order()),
            "a dialled c too, found through the SRV record");
        Assert.True(_dns.Calls("c.cluster.test") >= 1);
    }
}
