using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary>
/// Real hosts on loopback ports running the gossip engine, driven and observed over REST only: bootstrap from
/// one seed, node exchange, tombstones holding against gossip, and recovery when nodes die. (The original's
/// bootstrap test, made deterministic: every step waits for a condition, none sleeps.)
/// </summary>
public sealed class GossipClusterTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private Task<TestNode> StartAsync(string? seed)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PeerNet:Bootstrap"] = "true",
            ["PeerNet:Connections"] = "3",
            ["PeerNet:Interval"] = "300",
        };
        if (seed is not null)
            settings["PeerNet:Seeds:0"] = seed;
        return _cluster.StartAsync(new TestNodeOptions { Settings = settings, Advertise = true });
    }

    private static async Task<HashSet<string>> KnownAsync(TestNode node)
    {
        var page = await node.Client.GetFromJsonAsync<JsonElement>("/api/nodes?limit=1000");
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("address").GetString()!).ToHashSet();
    }

    private static async Task<int> ConnectionsAsync(TestNode node) =>
        (await node.Client.GetFromJsonAsync<JsonElement>("/api/node")).GetProperty("connections").GetInt32();

    private static async Task<JsonElement?> StatsAsync(TestNode node, string address)
    {
        var response = await node.Client.GetAsync("/api/nodes/stats?address=" + Uri.EscapeDataString(address));
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    [Fact]
    public async Task SixNodesFromOneSeed_LearnEachOther_HoldConnections_RespectRemovals_AndRecoverFromDeaths()
    {
        var seed = await StartAsync(seed: null);
        for (var i = 1; i < 6; i++)
            await StartAsync(seed.PeerAddress);
        var nodes = _cluster.Nodes;
        var everyone = nodes.Select(n => n.PeerAddress).ToHashSet();

        // Everyone learns every other node's advertised address and holds at least two peers.
        await _cluster.UntilEachAsync(async node =>
        {
            var known = await KnownAsync(node);
            return everyone.Where(a => a != node.PeerAddress).All(known.Contains) && await ConnectionsAsync(node) >= 2;
        }, "all six know each other and hold 2+ connections", TimeSpan.FromSeconds(25));
        foreach (var node in nodes)
            Assert.DoesNotContain(node.PeerAddress, await KnownAsync(node)); // advertised, never listed by known

        // The seed's stats on another node: it connected, and addresses went both ways.
        var observer = nodes[1];
        await _cluster.UntilAsync(async () => await StatsAsync(observer, seed.PeerAddress) is { } s
            && s.GetProperty("connections").GetProperty("ok").GetInt64() >= 1
            && s.GetProperty("nodes").GetProperty("rx").GetInt64() > 0
            && s.GetProperty("nodes").GetProperty("tx").GetInt64() > 0,
            "node 1's stats of the seed show a connection and exchanged addresses");

        // A removed address stays removed although every peer keeps offering it.
        var removed = nodes[5].PeerAddress;
        var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/nodes") { Content = JsonContent.Create(new { addresses = new[] { removed } }) };
        Assert.Equal(HttpStatusCode.OK, (await observer.Client.SendAsync(delete, TestContext.Current.CancellationToken)).StatusCode);
        using var learned = observer.Services.Collect("peernet.exchange.addresses.learned");
        await _cluster.UntilAsync(() => learned.Sum() >= 30, "node 1 took in 30 more offered addresses");
        Assert.DoesNotContain(removed, await KnownAsync(observer));

        // Two nodes stop, the seed among them: the other four find each other again.
        await _cluster.StopAsync(nodes[0]);
        await _cluster.StopAsync(nodes[5]);
        Assert.Equal(4, _cluster.Running.Count);
        await _cluster.UntilEachAsync(async node => await ConnectionsAsync(node) >= 2,
            "the four survivors hold 2+ connections each", TimeSpan.FromSeconds(20));
    }
}
