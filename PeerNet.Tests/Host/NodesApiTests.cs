using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>The nodes part of the REST contract, through WebApplicationFactory.</summary>
public sealed class NodesApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();
    private HttpClient _writer = null!;
    private HttpClient _reader = null!;

    public ValueTask InitializeAsync()
    {
        _writer = _factory.CreateWriter();
        _reader = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private static JsonContent Addresses(params string[] addresses) => JsonContent.Create(new { addresses });

    private async Task<List<string>> ListAllAsync()
    {
        var page = await _reader.GetFromJsonAsync<JsonElement>("/api/nodes?limit=1000");
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("address").GetString()!).ToList();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    [Fact]
    public async Task SavedAddresses_AreListed()
    {
        var response = await _writer.PostAsync("/api/nodes", Addresses("ws://a.example:8080/peer", "wss://b.example/peer", "tcp://c.example:9000"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("saved").GetInt32());
        Assert.Equal(
            new[] { "tcp://c.example:9000", "ws://a.example:8080/peer", "wss://b.example/peer" },
            (await ListAllAsync()).Order());
    }

    [Fact]
    public async Task Save_NormalizesSoTheSameEndpointIsStoredOnce()
    {
        await _writer.PostAsync("/api/nodes", Addresses("WS://A.example:80/", "ws://a.example"), TestContext.Current.CancellationToken);
        Assert.Equal(["ws://a.example"], await ListAllAsync());
    }

    [Fact]
    public async Task Save_WithOneBadAddress_Answers400NamingIt_AndSavesNothing()
    {
        var response = await _writer.PostAsync("/api/nodes", Addresses("ws://good.example:1/peer", "http://bad.example", "ws://good2.example:1"), TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains("http://bad.example", errors.GetProperty("addresses[1]")[0].GetString());
        Assert.False(errors.TryGetProperty("addresses[0]", out _));
        Assert.Contains("nothing was saved", problem.GetProperty("detail").GetString());
        Assert.Empty(await ListAllAsync());
    }

    [Fact]
    public async Task Save_ListsEveryBadAddress()
    {
        var response = await _writer.PostAsync("/api/nodes", Addresses("x", "ws://ok:1", "tcp://h", new string('a', 300)), TestContext.Current.CancellationToken);
        var errors = (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["addresses[0]", "addresses[2]", "addresses[3]"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Theory]
    [InlineData("{\"addresses\": [", "JSON")]
    [InlineData("not json at all", "JSON")]
    [InlineData("{\"addresses\": \"ws://a:1\"}", "JSON")]
    [InlineData("{\"addresses\": [1, 2]}", "JSON")]
    [InlineData("{}", "addresses is required")]
    [InlineData("{\"addresses\": null}", "addresses is required")]
    [InlineData("{\"addresses\": [null]}", "empty")]
    public async Task Save_BadJson_AnswersAProblemThatSaysWhatIsWrong(string body, string detailPart)
    {
        var response = await _writer.PostAsync("/api/nodes", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(detailPart, problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Save_WithoutABody_Answers400()
    {
        var response = await _writer.PostAsync("/api/nodes", new StringContent("", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Save_WrongContentType_AnswersAProblem()
    {
        var response = await _writer.PostAsync("/api/nodes", new StringContent("addresses=ws://a:1", Encoding.UTF8, "text/plain"), TestContext.Current.CancellationToken);
        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Save_MoreThanTheBatchLimit_Answers400()
    {
        var many = Enumerable.Range(0, 10_001).Select(i => $"ws://n{i}:1").ToArray();
        var response = await _writer.PostAsync("/api/nodes", Addresses(many), TestContext.Current.CancellationToken);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("10000", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Pages_253Addresses_InThreePagesOf100()
    {
        var all = Enumerable.Range(0, 253).Select(i => $"ws://node{i}.example:8080/peer").ToArray();
        Assert.Equal(HttpStatusCode.OK, (await _writer.PostAsync("/api/nodes", Addresses(all), TestContext.Current.CancellationToken)).StatusCode);

        var seen = new List<string>();
        var sizes = new List<int>();
        string? next = null;
        do
        {
            var url = next is null ? "/api/nodes?limit=100" : $"/api/nodes?limit=100&after={next}";
            var page = await _reader.GetFromJsonAsync<JsonElement>(url, cancellationToken: TestContext.Current.CancellationToken);
            var items = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("address").GetString()!).ToList();
            sizes.Add(items.Count);
            seen.AddRange(items);
            next = page.GetProperty("next").GetString();
            if (next is not null)
                Assert.Equal(next, Uri.EscapeDataString(next)); // usable in a URL without escaping
        }
        while (next is not null);

        Assert.Equal([100, 100, 53], sizes);
        Assert.Equal(all.Order(), seen.Order());
    }

    [Fact]
    public async Task List_DefaultsTo100PerPage()
    {
        await _writer.PostAsync("/api/nodes", Addresses(Enumerable.Range(0, 150).Select(i => $"ws://n{i}:1").ToArray()), TestContext.Current.CancellationToken);
        var page = await _reader.GetFromJsonAsync<JsonElement>("/api/nodes", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(100, page.GetProperty("items").GetArrayLength());
        Assert.NotNull(page.GetProperty("next").GetString());
    }

    [Theory]
    [InlineData("/api/nodes?limit=0", "limit")]
    [InlineData("/api/nodes?limit=1001", "limit")]
    [InlineData("/api/nodes?limit=abc", "limit")]
    [InlineData("/api/nodes?after=zzz", "after")]
    public async Task List_BadQuery_AnswersAProblem(string url, string field)
    {
        var problem = await ProblemAsync(await _reader.GetAsync(url, TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.GetRawText());
    }

    [Fact]
    public async Task Stats_OfASavedAddress_AreAllZero()
    {
        await _writer.PostAsync("/api/nodes", Addresses("ws://a.example:8080/peer"), TestContext.Current.CancellationToken);

        var stats = await _reader.GetFromJsonAsync<JsonElement>("/api/nodes/stats?address=" + Uri.EscapeDataString("WS://A.example:8080/peer"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("ws://a.example:8080/peer", stats.GetProperty("address").GetString());
        Assert.Equal(0, stats.GetProperty("connections").GetProperty("ok").GetInt64());
        Assert.Equal(0, stats.GetProperty("connections").GetProperty("fail").GetInt64());
        Assert.Equal(0, stats.GetProperty("nodes").GetProperty("rx").GetInt64());
        Assert.Equal(0, stats.GetProperty("nodes").GetProperty("tx").GetInt64());
    }

    [Fact]
    public async Task Stats_UnknownAddress_Is404_BadOrMissingAddress_Is400()
    {
        await ProblemAsync(await _reader.GetAsync("/api/nodes/stats?address=ws://nobody:1", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        await ProblemAsync(await _reader.GetAsync("/api/nodes/stats?address=nonsense", TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);
        await ProblemAsync(await _reader.GetAsync("/api/nodes/stats", TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RemovedAddress_IsGone_AndItsStatsToo()
    {
        await _writer.PostAsync("/api/nodes", Addresses("ws://a.example:1", "ws://b.example:1"), TestContext.Current.CancellationToken);

        var request = new HttpRequestMessage(HttpMethod.Delete, "/api/nodes") { Content = Addresses("ws://a.example:1", "ws://unknown.example:1") };
        var response = await _writer.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("removed").GetInt32());
        Assert.Equal(["ws://b.example:1"], await ListAllAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync("/api/nodes/stats?address=ws://a.example:1", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Remove_WithABadAddress_RemovesNothing()
    {
        await _writer.PostAsync("/api/nodes", Addresses("ws://a.example:1"), TestContext.Current.CancellationToken);
        var request = new HttpRequestMessage(HttpMethod.Delete, "/api/nodes") { Content = Addresses("ws://a.example:1", "bad") };
        var problem = await ProblemAsync(await _writer.SendAsync(request, TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);
        Assert.Contains("nothing was removed", problem.GetProperty("detail").GetString());
        Assert.Equal(["ws://a.example:1"], await ListAllAsync());
    }

    [Fact]
    public async Task Node_DescribesThisNode()
    {
        await _writer.PostAsync("/api/nodes", Addresses("ws://a.example:1", "ws://b.example:1"), TestContext.Current.CancellationToken);
        var node = await _reader.GetFromJsonAsync<JsonElement>("/api/node", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Matches("^[0-9a-f]{32}$", node.GetProperty("id").GetString());
        Assert.Equal(PeerNode.Version, node.GetProperty("version").GetString());
        Assert.Equal(0, node.GetProperty("addresses").GetArrayLength());
        Assert.Equal(0, node.GetProperty("connections").GetInt32());
        Assert.Equal(2, node.GetProperty("known").GetInt64());
    }

    [Fact]
    public async Task Health_And_Readiness_Answer200WhenRunning()
    {
        Assert.Equal(HttpStatusCode.OK, (await _reader.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
        var ready = await _reader.GetAsync("/readyz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (await ready.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task UnknownRoute_IsAProblemToo()
    {
        var response = await _reader.GetAsync("/api/nope", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
