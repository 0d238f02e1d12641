using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Topics;

/// <summary>Topics over REST on real hosts on loopback: sidecars join, another host finds them, unrenewed members go.</summary>
public sealed class TopicNetworkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task JoinAsync(TestNode node, string topic, string address, int ttlSeconds = 300)
    {
        var answer = await node.Client.PutAsJsonAsync($"/api/topics/{topic}/members", new { addresses = new[] { address }, ttlSeconds }, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private static async Task<JsonElement[]> FindAsync(TestNode node, string topic, int max, int timeoutMs) =>
        [.. (await node.Client.GetFromJsonAsync<JsonElement>($"/api/topics/{topic}/peers?max={max}&timeoutMs={timeoutMs}", Ct)).EnumerateArray()];

    [Fact]
    public async Task OnTwentyHosts_FiveSidecarsJoin_AFindWithMaxFiveGetsAllFive_AndEndsWithTheFifth()
    {
        await using var cluster = new TestCluster();
        var hosts = await cluster.StartAsync(20, _ => TestNodeOptions.With(("PeerNet:Interval", "0")));
        // A line with chords four back: every host within a few hops, several paths between most.
        for (var i = 1; i < hosts.Count; i++)
        {
            await hosts[i].Node.ConnectAsync(hosts[i - 1].PeerAddress, Ct);
            if (i >= 4)
                await hosts[i].Node.ConnectAsync(hosts[i - 4].PeerAddress, Ct);
        }
        await cluster.UntilAsync(() => hosts.Sum(h => h.Node.ConnectionCount) == 2 * (19 + 16), "every link is handshaken at both ends");
        await using var sidecar = cluster.Track(await SseStream.GetAsync(hosts[9].Client, "/api/requests"));
        int[] members = [3, 7, 11, 15, 19];
        foreach (var i in members)
            await JoinAsync(hosts[i], "chat", $"udp://10.0.{i}.1:7000");

        var watch = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/topics/chat/peers?max=5&timeoutMs=60000") { Headers = { { "Accept", "text/event-stream" } } };
        await using var stream = cluster.Track(await SseStream.OpenAsync(hosts[0].Client, request));
        var found = await stream.ToEndAsync(TestCluster.Patience); // ends with the fifth, far before the 60 s timeout
        watch.Stop();

        Assert.Equal(members.Select(i => $"udp://10.0.{i}.1:7000").Order(), found.Select(f => f.GetProperty("address").GetString()!).Order());
        Assert.Equal(members.Select(i => hosts[i].Node.Id).Order(), found.Select(f => f.GetProperty("nodeId").GetString()!).Order());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"the stream ended with the fifth member ({watch.Elapsed}), not at its timeout");

        // As JSON from another host too.
        Assert.Equal(5, (await FindAsync(hosts[10], "chat", 5, 60_000)).Length);
        // And as a user types it, on a host that has looked nothing up yet: `peernet topics find chat --max 5` prints
        // all five and exits with the fifth.
        var cliWatch = Stopwatch.StartNew();
        var cli = await PeerNet.Tests.Infrastructure.CliRun.RunAsync(["topics", "find", "chat", "--max", "5", "--timeout", "60s", "--url", hosts[5].BaseAddress.ToString()]);
        cliWatch.Stop();
        Assert.Equal(PeerNet.Cli.ExitCodes.Ok, cli.ExitCode);
        Assert.Equal(members.Select(i => $"udp://10.0.{i}.1:7000").Order(),
            cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0]).Order());
        Assert.True(cliWatch.Elapsed < TimeSpan.FromSeconds(30), $"peernet topics find returned with the fifth member ({cliWatch.Elapsed}), not at its 60 s timeout");
        // Neither the lookups nor their answers reached the sidecar: the first request it sees is the announce after them.
        using (var announce = await hosts[0].Client.PostAsJsonAsync("/api/announce?timeoutMs=100", new { type = "after", data = "topics" }, Ct))
            Assert.True(announce.IsSuccessStatusCode);
        Assert.Equal("after", (await sidecar.NextAsync(TestCluster.Patience))!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnUnrenewedMember_DisappearsFromLookupsAfterItsTtlPlusTheCacheTime_ARenewedOneStays()
    {
        await using var cluster = new TestCluster();
        // The loop below polls as fast as lookups answer (a cached one at once): REST's per-client rates are raised so
        // the polling, not the node, is what a busy machine slows.
        var line = await cluster.StartAsync(3, _ => TestNodeOptions.With(("PeerNet:Interval", "0"), ("PeerNet:TopicCacheSeconds", "1"),
            ("RateLimits:AnnouncesPerSecond", "1000"), ("RateLimits:AnnounceBurst", "2000"),
            ("RateLimits:WritesPerSecond", "1000"), ("RateLimits:WriteBurst", "2000")));
        await line[1].Node.ConnectAsync(line[0].PeerAddress, Ct);
        await line[2].Node.ConnectAsync(line[1].PeerAddress, Ct);
        await cluster.UntilAsync(() => line[1].Node.ConnectionCount == 2, "the line is up");
        await JoinAsync(line[2], "chat", "udp://short", ttlSeconds: 2);
        await JoinAsync(line[2], "chat", "udp://renewed", ttlSeconds: 2);
        Assert.Equal(2, (await FindAsync(line[0], "chat", 2, 5000)).Length);

        // The sidecar renews one of the two before each lookup (each takes at most 1 s, within the 2 s ttl) and lets the other lapse.
        await cluster.UntilAsync(async () =>
        {
            await JoinAsync(line[2], "chat", "udp://renewed", ttlSeconds: 2);
            var found = await FindAsync(line[0], "chat", 2, 1000);
            return found.Select(m => m.GetProperty("address").GetString()).SequenceEqual(["udp://renewed"]);
        }, "the unrenewed member is gone from the far end's lookups, the renewed one still found");
        var held = await line[2].Client.GetFromJsonAsync<JsonElement>("/api/topics", Ct);
        Assert.Equal(["udp://renewed"], held[0].GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()));
    }
}
