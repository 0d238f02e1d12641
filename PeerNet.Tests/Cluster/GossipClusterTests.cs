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
    private readonly TempDirectory _dir = new();
    private readonly List<TestNode> _nodes = [];
    private readonly HashSet<TestNode> _stopped = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Where(n => !_stopped.Contains(n)))
            await node.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<TestNode> StartAsync(int index, string? seed)
    {
        var port = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["PeerNet:Bootstrap"] = "true",
            ["PeerNet:Connections"] = "3",
            ["PeerNet:Interval"] = "300",
            ["PeerNet:Advertise:0"] = $"ws://127.0.0.1:{port}/peer",
        };
        if (seed is not null)
            settings["PeerNet:Seeds:0"] = seed;
        var node = await TestNode.StartAsync(_dir.File($"node{index}.db"), settings, port);
        _nodes.Add(node);
        return node;
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
        var seed = await StartAsync(0, seed: null);
        for (var i = 1; i < 6; i++)
            await StartAsync(i, seed.PeerAddress);
        var everyone = _nodes.Select(n => n.PeerAddress).ToHashSet();

        // Everyone learns every other node's advertised address and holds at least two peers.
        await Wait.UntilAsync(async () =>
        {
            foreach (var node in _nodes)
            {
                var known = await KnownAsync(node);
                if (!everyone.Where(a => a != node.PeerAddress).All(known.Contains) || await ConnectionsAsync(node) < 2)
                    return false;
            }
            return true;
        }, TimeSpan.FromSeconds(25), "all six know each other and hold 2+ connections");
        foreach (var node in _nodes)
            Assert.DoesNotContain(node.PeerAddress, await KnownAsync(node)); // advertised, never listed by known

        // The seed's stats on another node: it connected, and addresses went both ways.
        var observer = _nodes[1];
        await Wait.UntilAsync(async () => await StatsAsync(observer, seed.PeerAddress) is { } s
            && s.GetProperty("connections").GetProperty("ok").GetInt64() >= 1
            && s.GetProperty("nodes").GetProperty("rx").GetInt64() > 0
            && s.GetProperty("nodes").GetProperty("tx").GetInt64() > 0,
            TimeSpan.FromSeconds(10), "node 1's stats of the seed show a connection and exchanged addresses");

        // A removed address stays removed although every peer keeps offering it.
        var removed = _nodes[5].PeerAddress;
        var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/nodes") { Content = JsonContent.Create(new { addresses = new[] { removed } }) };
        Assert.Equal(HttpStatusCode.OK, (await observer.Client.SendAsync(delete, TestContext.Current.CancellationToken)).StatusCode);
        using var learned = observer.Services.Collect("peernet.exchange.addresses.learned");
        await Wait.UntilAsync(() => learned.Sum() >= 30, TimeSpan.FromSeconds(15), "node 1 took in 30 more offered addresses");
        Assert.DoesNotContain(removed, await KnownAsync(observer));

        // Two nodes die, the seed among them: the other four find each other again.
        foreach (var dead in new[] { _nodes[0], _nodes[5] })
        {
            await dead.DisposeAsync();
            _stopped.Add(dead);
        }
        var survivors = _nodes.Where(n => !_stopped.Contains(n)).ToList();
        await Wait.UntilAsync(async () =>
        {
            foreach (var node in survivors)
            {
                if (await ConnectionsAsync(node) < 2)
                    return false;
            }
            return true;
        }, TimeSpan.FromSeconds(20), "the four survivors hold 2+ connections each");
    }
}
