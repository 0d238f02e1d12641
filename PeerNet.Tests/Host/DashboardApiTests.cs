using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>The dashboard's HTTP side: its event stream and snapshot, its files, and PeerNet:Dashboard off.</summary>
public sealed class DashboardApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheEventStream_StartsWithTheHistory_ThenSendsASnapshotASecond()
    {
        await using var cluster = new TestCluster();
        var (a, b) = (await cluster.StartAsync(), await cluster.StartAsync());
        Assert.True((await a.Client.PostAsJsonAsync("/api/connections", new { address = b.PeerAddress }, Ct)).IsSuccessStatusCode);
        await using var stream = cluster.Track(await SseStream.GetAsync(a.Client, "/api/dashboard/events"));
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);

        var first = await stream.NextAsync(TestCluster.Patience) ?? throw new InvalidOperationException("The stream ended.");
        Assert.Equal(a.Node.Id, first.GetProperty("node").GetProperty("id").GetString());
        Assert.Equal(PeerNode.Version, first.GetProperty("node").GetProperty("version").GetString());
        Assert.True(first.GetProperty("node").GetProperty("uptimeSeconds").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Array, first.GetProperty("history").ValueKind);
        var peer = Assert.Single(first.GetProperty("connections").EnumerateArray());
        Assert.Equal(b.Node.Id, peer.GetProperty("peerId").GetString());
        Assert.True(peer.GetProperty("verified").GetBoolean());
        Assert.True(peer.GetProperty("framesIn").GetInt64() >= 2 && peer.GetProperty("bytesOut").GetInt64() > 0);
        Assert.Contains(first.GetProperty("meter").EnumerateArray(), m => m.GetProperty("name").GetString() == "peernet.frames.received");

        // Later events: no history, the latest rates; one a second.
        var started = DateTimeOffset.UtcNow;
        JsonElement next = default;
        for (var i = 0; i < 3; i++)
            next = await stream.NextAsync(TestCluster.Patience) ?? throw new InvalidOperationException("The stream ended.");
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(1.5), "three events take about three seconds");
        Assert.Equal(JsonValueKind.Null, next.GetProperty("history").ValueKind);
        Assert.Equal(JsonValueKind.Object, next.GetProperty("rates").ValueKind);
        Assert.True(next.GetProperty("rates").GetProperty("framesIn").GetDouble() >= 0);
    }

    [Fact]
    public async Task RemovedAddresses_AreCounted()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartAsync();
        using var removed = await a.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/nodes")
        {
            Content = JsonContent.Create(new { addresses = new[] { "ws://127.0.0.1:1/peer", "ws://127.0.0.1:2/peer" } }),
        }, Ct);
        Assert.True(removed.IsSuccessStatusCode);
        using var saved = await a.Client.PostAsJsonAsync("/api/nodes", new { addresses = new[] { "ws://127.0.0.1:2/peer", "ws://127.0.0.1:3/peer" } }, Ct);
        Assert.True(saved.IsSuccessStatusCode);

        var snapshot = await a.Client.GetFromJsonAsync<JsonElement>("/api/dashboard", Ct);
        Assert.Equal(2, snapshot.GetProperty("known").GetInt64());
        Assert.Equal(1, snapshot.GetProperty("removed").GetInt64()); // the save lifted one of the two tombstones
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard/dashboard.js")]
    [InlineData("/api/dashboard")]
    [InlineData("/api/dashboard/events")]
    public async Task DashboardOff_AnswersNotFound(string path)
    {
        await using var cluster = new TestCluster();
        var node = await cluster.StartAsync(TestNodeOptions.With(("PeerNet:Dashboard", "false")));
        using var response = await node.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ThePageAndItsFiles_AreServedWithTheirTypes_AnETag_AndAPolicyThatAllowsOnlyTheNodeItself()
    {
        await using var cluster = new TestCluster();
        var node = await cluster.StartAsync();
        using var page = await node.Client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("/dashboard/dashboard.js", await page.Content.ReadAsStringAsync(Ct));

        foreach (var (path, type) in new[] { ("/dashboard/dashboard.js", "text/javascript"), ("/dashboard/dashboard.css", "text/css"), ("/dashboard/favicon.svg", "image/svg+xml") })
        {
            using var file = await node.Client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(type, file.Content.Headers.ContentType?.MediaType);
            var etag = file.Headers.ETag ?? throw new InvalidOperationException($"{path} has no ETag.");
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(etag);
            using var cached = await node.Client.SendAsync(again, Ct);
            Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        }
        using var missing = await node.Client.GetAsync("/dashboard/nothing.js", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
