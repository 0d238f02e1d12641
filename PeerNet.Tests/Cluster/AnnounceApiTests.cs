using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary>
/// Announces, requests and replies over REST exactly as a sidecar drives them (announce with SSE, subscribe with
/// SSE, reply with POST), on real hosts connected over loopback WebSockets.
/// </summary>
public sealed class AnnounceApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TestCluster.Patience;
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<List<TestNode>> StartAsync(int count) =>
        [.. await _cluster.StartAsync(count, _ => TestNodeOptions.With(("PeerNet:Interval", "0"), ("PeerNet:Purge", "0")))];

    /// <summary>Each pair is dialled once, and only one way: every dial makes a new connection.</summary>
    private static async Task ConnectAsync(TestNode from, TestNode to)
    {
        var response = await from.Client.PostAsJsonAsync("/api/connections", new { address = to.PeerAddress });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<SseStream> SubscribeAsync(TestNode node, string? type = null)
    {
        var stream = await SseStream.GetAsync(node.Client, "/api/requests" + (type is null ? "" : "?type=" + type));
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        return _cluster.Track(stream);
    }

    private async Task<SseStream> AnnounceAsync(TestNode node, object body, int timeoutMs = 10_000, int? max = null)
    {
        var query = $"?timeoutMs={timeoutMs}" + (max is null ? "" : $"&max={max}");
        var stream = await SseStream.OpenAsync(node.Client, new HttpRequestMessage(HttpMethod.Post, "/api/announce" + query) { Content = JsonContent.Create(body) });
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        return _cluster.Track(stream);
    }

    private static async Task ReplyAsync(TestNode node, JsonElement request, string data)
    {
        var handle = request.GetProperty("handle").GetString();
        var response = await node.Client.PostAsJsonAsync($"/api/requests/{handle}/reply", new { data });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<List<TestNode>> LineAsync()
    {
        var line = await StartAsync(5);
        for (var i = 1; i < line.Count; i++)
            await ConnectAsync(line[i], line[i - 1]);
        return line;
    }

    [Fact]
    public async Task Line_AnnounceReachesTheLastWithHops3_ASidecarAnswers_TheAnswerArrivesWithHops3()
    {
        var line = await LineAsync();
        var sidecar = await SubscribeAsync(line[4], "search");

        var announce = await AnnounceAsync(line[0], new { type = "search", data = "whatever" }, max: 1);
        var request = (await sidecar.NextAsync(Patience))!.Value;
        Assert.Equal(3, request.GetProperty("hops").GetInt32());
        Assert.Equal("search", request.GetProperty("type").GetString());
        Assert.Equal("whatever", request.GetProperty("data").GetString());
        await ReplyAsync(line[4], request, "found it");

        var answers = await announce.ToEndAsync(Patience); // max=1: the stream ends after the first answer
        var answer = Assert.Single(answers);
        Assert.Equal(3, answer.GetProperty("hops").GetInt32());
        Assert.Equal("found it", answer.GetProperty("data").GetString());
        Assert.Equal("search", answer.GetProperty("type").GetString());
        Assert.Equal(request.GetProperty("id").GetString(), answer.GetProperty("reply").GetString());
        Assert.Equal(Convert.ToBase64String("found it"u8), answer.GetProperty("dataBase64").GetString());
    }

    [Fact]
    public async Task Line_Limit2FromN0_ReachesN1ToN3_NotN4_AsAnOriginalLine()
    {
        var line = await LineAsync();
        var sidecars = new List<SseStream>();
        foreach (var node in line.Skip(1))
            sidecars.Add(await SubscribeAsync(node));

        await AnnounceAsync(line[0], new { id = "11110001", type = "ping", limit = 2 }, timeoutMs: 100);
        // Links are FIFO: once a later unlimited announce reaches n4, the first would have been there before it.
        await AnnounceAsync(line[0], new { id = "11110002", type = "ping" }, timeoutMs: 100);

        string Id(JsonElement e) => e.GetProperty("id").GetString()!;
        for (var n = 1; n <= 3; n++)
        {
            var request = (await sidecars[n - 1].NextAsync(Patience))!.Value;
            Assert.Equal(("11110001", n - 1), (Id(request), request.GetProperty("hops").GetInt32()));
        }
        Assert.Equal("11110002", Id((await sidecars[3].NextAsync(Patience))!.Value)); // n4: only the unlimited one
    }

    [Fact]
    public async Task OwnAnnounce_WithHopsEqualToItsLimit_IsAccepted_AndReachesN1Only()
    {
        var line = await LineAsync();
        var n1 = await SubscribeAsync(line[1]);
        var n2 = await SubscribeAsync(line[2]);

        await AnnounceAsync(line[0], new { id = "22220001", type = "ping", hops = 2, limit = 2 }, timeoutMs: 100);
        await AnnounceAsync(line[0], new { id = "22220002", type = "ping" }, timeoutMs: 100);

        string Id(JsonElement e) => e.GetProperty("id").GetString()!;
        var first = (await n1.NextAsync(Patience))!.Value;
        Assert.Equal(("22220001", 2), (Id(first), first.GetProperty("hops").GetInt32()));
        Assert.Equal("22220002", Id((await n2.NextAsync(Patience))!.Value)); // n1 accepted at the limit, forwarded nothing
    }

    [Fact]
    public async Task RandomGraphOf20_EveryAnnounceReachesEveryNodeOnce_AndEveryAnswerArrivesOnce()
    {
        const int n = 20;
        var nodes = await StartAsync(n);
        var random = new Random(20261201);
        // Each node dials 3 others it is not linked to yet: every node has degree 3 or more, and no pair twice.
        var linked = new HashSet<(int, int)>();
        foreach (var (node, i) in nodes.Select((x, i) => (x, i)))
        {
            foreach (var j in Enumerable.Range(0, n).Where(j => j != i && !linked.Contains((Math.Min(i, j), Math.Max(i, j)))).OrderBy(_ => random.Next()).Take(3).ToList())
            {
                linked.Add((Math.Min(i, j), Math.Max(i, j)));
                await ConnectAsync(node, nodes[j]);
            }
        }
        var sidecars = new List<SseStream>();
        foreach (var node in nodes)
            sidecars.Add(await SubscribeAsync(node));
        var seen = nodes.Select(_ => new List<string>()).ToList();
        var received = nodes.Select(x => x.Services.Collect("peernet.announces.received")).ToList(); // new requests, from now on

        async Task ReceiveAllAsync(int announcer, string id)
        {
            for (var i = 0; i < n; i++)
            {
                if (i == announcer)
                    continue;
                var request = (await sidecars[i].NextAsync(Patience))!.Value;
                seen[i].Add(request.GetProperty("id").GetString()!);
                Assert.Equal(id, request.GetProperty("id").GetString());
            }
        }

        // Repeated runs from random announcers: every node's application sees each announce.
        for (var run = 0; run < 5; run++)
        {
            var announcer = random.Next(n);
            var id = $"a0{run:d2}";
            await AnnounceAsync(nodes[announcer], new { id, type = "broadcast", data = $"run {run}" }, timeoutMs: 100);
            await ReceiveAllAsync(announcer, id);
        }

        // Everyone answers the last one: 19 answers, none twice.
        var asker = random.Next(n);
        var question = await AnnounceAsync(nodes[asker], new { id = "a0ff", type = "question" }, timeoutMs: 5000, max: n - 1);
        for (var i = 0; i < n; i++)
        {
            if (i == asker)
                continue;
            var request = (await sidecars[i].NextAsync(Patience))!.Value;
            seen[i].Add(request.GetProperty("id").GetString()!);
            await ReplyAsync(nodes[i], request, $"answer from {i}");
        }
        var answers = await question.ToEndAsync(Patience);
        Assert.Equal(n - 1, answers.Count);
        Assert.Equal(n - 1, answers.Select(a => a.GetProperty("data").GetString()).Distinct().Count());

        // No application saw anything twice (duplicates of earlier runs would have arrived long before now).
        foreach (var (ids, i) in seen.Select((s, i) => (s, i)))
            Assert.Equal(ids.Distinct().Count(), ids.Count);
        foreach (var (node, i) in nodes.Select((x, i) => (x, i)))
            Assert.Equal(seen[i].Count, received[i].Sum());
    }

    [Theory]
    [InlineData("{\"type\":\"t\",\"data\":\"" + "0123456789" + "\"}", null)] // control: valid
    [InlineData("{\"id\":\"zz\"}", "id")]
    [InlineData("{\"id\":\"" + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000aa" + "\"}", "id")]
    [InlineData("{\"type\":\"_hello\"}", "type")]
    [InlineData("{\"data\":\"a\",\"dataBase64\":\"YQ==\"}", "data")]
    [InlineData("{\"dataBase64\":\"***\"}", "dataBase64")]
    [InlineData("{\"hops\":3,\"limit\":2}", "hops")]
    [InlineData("{\"limit\":-1}", null)] // a JSON error: 400 as well
    public async Task BadAnnounceFields_Answer400NamingTheField_BeforeAnythingIsSent(string body, string? field)
    {
        var node = (await StartAsync(1))[0];
        var response = await node.Client.PostAsync("/api/announce?timeoutMs=50", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        if (field is null && body.Contains("\"t\""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return;
        }
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}: {problem}");
        }
    }

    [Fact]
    public async Task OversizeFields_TimeoutOutOfRange_AndUnknownHandles_AreRejected()
    {
        var node = (await StartAsync(1))[0];
        var big = await node.Client.PostAsJsonAsync("/api/announce", new { data = new string('x', 1025) }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, big.StatusCode);
        Assert.Contains("data", await big.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var longType = await node.Client.PostAsJsonAsync("/api/announce", new { type = new string('t', 65) }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, longType.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await node.Client.PostAsJsonAsync("/api/announce?timeoutMs=60001", new { }, cancellationToken: TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await node.Client.PostAsJsonAsync("/api/announce?max=0", new { }, cancellationToken: TestContext.Current.CancellationToken)).StatusCode);

        var unknown = await node.Client.PostAsJsonAsync("/api/requests/0123456789abcdef0123456789abcdef/reply", new { data = "x" }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OpenEventStreams_DoNotHoldUpShutdown()
    {
        var node = await _cluster.StartAsync();
        await using var requests = await SseStream.GetAsync(node.Client, "/api/requests");
        await using var announce = await SseStream.OpenAsync(node.Client,
            new HttpRequestMessage(HttpMethod.Post, "/api/announce?timeoutMs=60000") { Content = JsonContent.Create(new { type = "long" }) });

        // TestNode gives the host 15 s to stop and throws if it needs them: the streams must end with the host.
        await node.StopAsync();
        Assert.Empty(await requests.ToEndAsync(Patience));
        Assert.Empty(await announce.ToEndAsync(Patience));
    }

    [Fact]
    public async Task AnAnnounceWithNoPeers_StreamsNothing_AndEndsAtItsTimeout()
    {
        var node = (await StartAsync(1))[0];
        var stream = await AnnounceAsync(node, new { type = "alone" }, timeoutMs: 200);
        Assert.Empty(await stream.ToEndAsync(Patience));
    }
}
