using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PeerNet.Host.RateLimiting;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>
/// Floods over real HTTP, one test per policy: the client over its limit gets 429 with a problem detail and
/// Retry-After; another client (another loopback address, another partition) is still served, and so is the
/// flooder once its tokens come back (the limiter refills once a second) or it closes a stream.
/// </summary>
public sealed class RateLimitTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<TestNode> StartAsync(params (string Key, string Value)[] limits) =>
        TestNode.StartAsync(_dir.File("rl.db"), limits.ToDictionary(l => $"RateLimits:{l.Key}", l => (string?)l.Value));

    // A loopback address the host puts in another partition than 127.0.0.1 (the hash is keyed per process, and the
    // host runs in this one).
    private static IPAddress OtherClient()
    {
        var first = ClientPartition.Of(IPAddress.Loopback, new RateLimitOptions().Partitions);
        return Enumerable.Range(2, 200).Select(i => IPAddress.Parse($"127.0.0.{i}"))
            .First(ip => ClientPartition.Of(ip, new RateLimitOptions().Partitions) != first);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response, string names)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains(names, problem.GetProperty("detail").GetString());
    }

    private static HttpRequestMessage Save(int i) =>
        new(HttpMethod.Post, "/api/nodes") { Content = JsonContent.Create(new { addresses = new[] { $"ws://n{i}.example:1/peer" } }) };

    // Sends until the first 429 (a slow machine may see a refill on the way); returns it and how many were served.
    private static async Task<(HttpResponseMessage Rejected, int Served)> FloodAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var served = 0; served < 100; served++)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                return (response, served);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        throw new Xunit.Sdk.XunitException("100 requests and no 429.");
    }

    [Fact]
    public async Task AWriteFlood_Gets429_AnotherClientIsServed_AndTheFlooderAgainOnceTheBucketRefills()
    {
        await using var node = await StartAsync(("WritesPerSecond", "1"), ("WriteBurst", "3"));
        var i = 0;
        var (rejected, served) = await FloodAsync(() => node.Client.SendAsync(Save(i++), Ct));
        Assert.InRange(served, 3, 10); // the burst (and a refill or two on a slow machine), then 429 at once
        await AssertTooManyAsync(rejected, "WritesPerSecond");
        // Deletes share the bucket.
        var (_, deleted) = await FloodAsync(() => node.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Delete, "/api/nodes") { Content = JsonContent.Create(new { addresses = new[] { "ws://none.example:1/peer" } }) }, Ct));
        Assert.InRange(deleted, 0, 3);

        using var other = LoopbackClient.From(OtherClient(), node.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(Save(1000), Ct)).StatusCode);

        await Wait.UntilAsync(async () => (await node.Client.SendAsync(Save(1001), Ct)).StatusCode == HttpStatusCode.OK, Patience, "the bucket refilled");
        Assert.Equal(served + 2, node.Node.KnownCount); // no rejected write landed

        var metrics = await node.Client.GetStringAsync("/metrics", Ct);
        Assert.Contains(metrics.Split('\n'), line => line.StartsWith("aspnetcore_rate_limiting_requests", StringComparison.Ordinal)
            && line.Contains("endpoint_limiter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAnnounceFlood_Gets429_CensusesShareTheBucket_AnotherClientIsServed()
    {
        await using var node = await StartAsync(("AnnouncesPerSecond", "1"), ("AnnounceBurst", "2"));
        HttpRequestMessage Announce() => new(HttpMethod.Post, "/api/announce?timeoutMs=1") { Content = JsonContent.Create(new { type = "t", data = "x" }) };

        var (rejected, served) = await FloodAsync(() => node.Client.SendAsync(Announce(), Ct));
        Assert.InRange(served, 2, 10);
        await AssertTooManyAsync(rejected, "AnnouncesPerSecond");
        var (census, _) = await FloodAsync(() => node.Client.GetAsync("/api/census?timeoutMs=100", Ct));
        await AssertTooManyAsync(census, "AnnouncesPerSecond");

        using var other = LoopbackClient.From(OtherClient(), node.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(Announce(), Ct)).StatusCode);
        await Wait.UntilAsync(async () => (await node.Client.SendAsync(Announce(), Ct)).StatusCode == HttpStatusCode.OK, Patience, "the bucket refilled");
    }

    [Fact]
    public async Task TooManyOpenStreams_Get429_AnotherClientIsServed_AndClosingOneFreesASlot()
    {
        await using var node = await StartAsync(("StreamsPerClient", "2"));
        var first = await SseStream.GetAsync(node.Client, "/api/requests");
        await using var second = await SseStream.GetAsync(node.Client, "/api/dashboard/events"); // both kinds count
        Assert.Equal(HttpStatusCode.OK, first.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.Response.StatusCode);

        var third = await node.Client.GetAsync("/api/requests", HttpCompletionOption.ResponseHeadersRead, Ct);
        await AssertTooManyAsync(third, "StreamsPerClient");

        using var otherClient = LoopbackClient.From(OtherClient(), node.BaseAddress);
        await using (var other = await SseStream.GetAsync(otherClient, "/api/requests"))
            Assert.Equal(HttpStatusCode.OK, other.Response.StatusCode);

        await first.DisposeAsync();
        await Wait.UntilAsync(async () =>
        {
            using var again = await node.Client.GetAsync("/api/requests", HttpCompletionOption.ResponseHeadersRead, Ct);
            return again.StatusCode == HttpStatusCode.OK;
        }, Patience, "the closed stream's slot is free");
    }

    [Fact]
    public async Task TooManyOpenAnnounces_Get429_AnotherClientIsServed_AndOneEndingFreesASlot()
    {
        await using var node = await StartAsync(("OpenAnnouncesPerClient", "2"));
        HttpRequestMessage Announce() => new(HttpMethod.Post, "/api/announce?timeoutMs=60000") { Content = JsonContent.Create(new { type = "t" }) };
        var first = await SseStream.OpenAsync(node.Client, Announce());
        await using var second = await SseStream.OpenAsync(node.Client, Announce());
        Assert.Equal(HttpStatusCode.OK, first.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.Response.StatusCode);

        await AssertTooManyAsync(await node.Client.SendAsync(Announce(), HttpCompletionOption.ResponseHeadersRead, Ct), "OpenAnnouncesPerClient");

        using var otherClient = LoopbackClient.From(OtherClient(), node.BaseAddress);
        await using (var other = await SseStream.OpenAsync(otherClient, Announce()))
            Assert.Equal(HttpStatusCode.OK, other.Response.StatusCode);

        await first.DisposeAsync(); // the client goes away: its announce ends
        await Wait.UntilAsync(async () =>
        {
            using var again = await node.Client.SendAsync(Announce(), HttpCompletionOption.ResponseHeadersRead, Ct);
            return again.StatusCode == HttpStatusCode.OK;
        }, Patience, "the ended announce's slot is free");
    }
}
