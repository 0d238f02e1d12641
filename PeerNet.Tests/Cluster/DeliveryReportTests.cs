using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary>Delivery reports on real hosts over REST: who got an announce, at which hop, from whom.</summary>
public sealed class DeliveryReportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TestCluster.Patience;

    private static async Task ConnectAsync(TestNode from, TestNode to) =>
        Assert.Equal(HttpStatusCode.OK, (await from.Client.PostAsJsonAsync("/api/connections", new { address = to.PeerAddress }, Ct)).StatusCode);

    [Fact]
    public async Task RandomGraphOf20_TheReportListsThe19OthersWithTheirHops_AndTheStreamEndsWithASummary()
    {
        const int n = 20;
        await using var cluster = new TestCluster();
        var nodes = await cluster.StartAsync(n, _ => TestNodeOptions.With(("PeerNet:Interval", "0")));
        var random = new Random(7);
        var linked = new HashSet<(int, int)>();
        for (var i = 0; i < n; i++)
        {
            foreach (var j in Enumerable.Range(0, n).Where(j => j != i && !linked.Contains((Math.Min(i, j), Math.Max(i, j)))).OrderBy(_ => random.Next()).Take(3).ToList())
            {
                linked.Add((Math.Min(i, j), Math.Max(i, j)));
                await ConnectAsync(nodes[i], nodes[j]);
            }
        }
        var census = await nodes[0].Client.GetFromJsonAsync<JsonElement>("/api/census?timeoutMs=2000", Ct);
        Assert.Equal(n, census.GetProperty("nodes").GetArrayLength());
        var sidecar = cluster.Track(await SseStream.GetAsync(nodes[5].Client, "/api/requests"));

        await using var stream = cluster.Track(await SseStream.OpenAsync(nodes[0].Client,
            new HttpRequestMessage(HttpMethod.Post, "/api/announce?timeoutMs=2000") { Content = JsonContent.Create(new { id = "7e9047", type = "reported", report = true }) }));
        var request = (await sidecar.NextAsync(Patience))!.Value;
        var reply = await nodes[5].Client.PostAsJsonAsync($"/api/requests/{request.GetProperty("handle").GetString()}/reply", new { data = "here" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);

        var events = await stream.ToEndAsync(Patience);
        Assert.Equal(["message", "summary"], stream.EventTypes); // the answer, then the report: acks are not answers
        Assert.Equal("here", events[0].GetProperty("data").GetString());
        Assert.Equal(n - 1, events[1].GetProperty("reached").GetInt32());

        var report = await nodes[0].Client.GetFromJsonAsync<JsonElement>("/api/announces/7e9047", Ct);
        Assert.True(report.GetProperty("complete").GetBoolean());
        Assert.Equal(n - 1, report.GetProperty("reached").GetInt32());
        Assert.Equal(1.0, report.GetProperty("coverage").GetDouble());
        var others = nodes.Skip(1).Select(x => x.Node.Id).Order().ToList();
        var listed = report.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(others, listed.Select(e => e.GetProperty("node").GetString()!).Order());
        var all = nodes.Select(x => x.Node.Id).ToHashSet();
        var hopsOf = listed.ToDictionary(e => e.GetProperty("node").GetString()!, e => e.GetProperty("hops").GetInt32());
        hopsOf[nodes[0].Node.Id] = -1; // the announcer: its direct peers got hops 0
        foreach (var entry in listed)
        {
            // Each node got it from a node one hop closer (a neighbour that had it first).
            var from = entry.GetProperty("from").GetString()!;
            Assert.Contains(from, all);
            Assert.Equal(hopsOf[from] + 1, entry.GetProperty("hops").GetInt32());
        }
        var byHop = report.GetProperty("byHop").EnumerateObject().ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetInt32());
        Assert.Equal(n - 1, byHop.Values.Sum());
        // Hop 0 is the announcer's direct peers (one could, rarely, get a copy by a longer path first).
        Assert.InRange(byHop[0], 1, nodes[0].Node.Connections().Count);
        Assert.True(report.GetProperty("timeToLastMs").GetDouble() > 0);
    }

    [Fact]
    public async Task AnUnknownOrBadIdIs404Or400_AndAnAnnounceWithoutReportHasNone()
    {
        await using var cluster = new TestCluster();
        var (a, b) = (await cluster.StartAsync(), await cluster.StartAsync());
        await ConnectAsync(b, a);
        await using (var plain = cluster.Track(await SseStream.OpenAsync(a.Client,
            new HttpRequestMessage(HttpMethod.Post, "/api/announce?timeoutMs=200") { Content = JsonContent.Create(new { id = "abcd", type = "plain" }) })))
        {
            await plain.ToEndAsync(Patience);
            Assert.Empty(plain.EventTypes); // no answers, and no summary without a report
        }
        Assert.Equal(HttpStatusCode.NotFound, (await a.Client.GetAsync("/api/announces/abcd", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await a.Client.GetAsync("/api/announces/xyz", Ct)).StatusCode);
    }
}
