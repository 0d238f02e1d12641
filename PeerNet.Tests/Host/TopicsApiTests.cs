using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>The topics part of the REST contract, through WebApplicationFactory: registrations, bounds, bad input, Swagger.</summary>
public sealed class TopicsApiTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly ApiFactory _factory = new(new Dictionary<string, string?> { ["PeerNet:TopicAddressesPerClient"] = "4" });
    private HttpClient _writer = null!;
    private HttpClient _reader = null!;

    public ValueTask InitializeAsync()
    {
        _writer = _factory.CreateWriter();
        _reader = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private Task<HttpResponseMessage> PutAsync(string topic, object body) => _writer.PutAsJsonAsync($"/api/topics/{topic}/members", body, Ct);

    [Fact]
    public async Task APut_AddsThenRenews_TheListShowsIt_AndADeleteRemovesTheAddressesGiven()
    {
        var first = await (await PutAsync("chat", new { addresses = new[] { "udp://10.0.0.1:7000", "/ip4/10.0.0.1/udp/7001" }, ttlSeconds = 60 }))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((2, 0), (first.GetProperty("added").GetInt32(), first.GetProperty("renewed").GetInt32()));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("peernet.topic:chat"u8)), first.GetProperty("hash").GetString());
        var again = await (await PutAsync("chat", new { addresses = new[] { "udp://10.0.0.1:7000" } })).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((0, 1), (again.GetProperty("added").GetInt32(), again.GetProperty("renewed").GetInt32()));

        var list = await _writer.GetFromJsonAsync<JsonElement>("/api/topics", Ct);
        var topic = Assert.Single(list.EnumerateArray());
        Assert.Equal("chat", topic.GetProperty("topic").GetString());
        Assert.Equal(2, topic.GetProperty("members").GetArrayLength());

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/topics/chat/members") { Content = JsonContent.Create(new { addresses = new[] { "udp://10.0.0.1:7000", "udp://never" } }) };
        var removed = await (await _writer.SendAsync(delete, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(1, removed.GetProperty("removed").GetInt32());
        var left = await _writer.GetFromJsonAsync<JsonElement>("/api/topics", Ct);
        Assert.Equal("/ip4/10.0.0.1/udp/7001", left[0].GetProperty("members")[0].GetProperty("address").GetString());

        // A lookup on a node without peers finds its own members (a JSON array by default).
        var peers = await _writer.GetFromJsonAsync<JsonElement>("/api/topics/chat/peers?max=5&timeoutMs=100", Ct);
        Assert.Equal("/ip4/10.0.0.1/udp/7001", Assert.Single(peers.EnumerateArray()).GetProperty("address").GetString());
    }

    [Theory]
    [InlineData("PUT", "/api/topics/has%20space/members", """{"addresses":["udp://a"]}""", "topic")]
    [InlineData("PUT", "/api/topics/chat/members", """{}""", "addresses")]
    [InlineData("PUT", "/api/topics/chat/members", "", "addresses")]
    [InlineData("PUT", "/api/topics/chat/members", """{"addresses":["udp://ok","has space"]}""", "addresses[1]")]
    [InlineData("PUT", "/api/topics/chat/members", """{"addresses":["udp://ok"],"ttlSeconds":0}""", "ttlSeconds")]
    [InlineData("PUT", "/api/topics/chat/members", """{"addresses":["udp://ok"],"ttlSeconds":1201}""", "ttlSeconds")]
    [InlineData("PUT", "/api/topics/chat/members", """{"addresses":["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17"]}""", "addresses")]
    [InlineData("DELETE", "/api/topics/chat/members", """{"addresses":[]}""", "addresses")]
    [InlineData("GET", "/api/topics/chat/peers?max=0", null, "max")]
    [InlineData("GET", "/api/topics/chat/peers?max=101", null, "max")]
    [InlineData("GET", "/api/topics/chat/peers?timeoutMs=0", null, "timeoutMs")]
    [InlineData("GET", "/api/topics/chat/peers?timeoutMs=60001", null, "timeoutMs")]
    public async Task BadInputIs400NamingTheField(string method, string path, string? body, string field)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var answer = await _writer.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        var problem = await answer.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), await answer.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task OneClientCannotHoldMoreThanItsShare_409NamingTheBound()
    {
        Assert.Equal(HttpStatusCode.OK, (await PutAsync("a", new { addresses = new[] { "1", "2", "3" } })).StatusCode);
        var over = await PutAsync("b", new { addresses = new[] { "4", "5" } });
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        var problem = await over.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("topic_client_addresses", problem.GetProperty("limit").GetString());
        Assert.Contains("TopicAddressesPerClient", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await PutAsync("b", new { addresses = new[] { "4" } })).StatusCode);
    }

    [Fact]
    public async Task WritesListingsAndLookupsNeedTheKey()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _reader.PutAsJsonAsync("/api/topics/chat/members", new { addresses = new[] { "x" } }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _reader.GetAsync("/api/topics", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _reader.GetAsync("/api/topics/chat/peers", Ct)).StatusCode);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/topics/chat/members") { Content = JsonContent.Create(new { addresses = new[] { "x" } }) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await _reader.SendAsync(delete, Ct)).StatusCode);
    }

    [Fact]
    public async Task SwaggerDocumentsTheTopicEndpoints_WithExamples()
    {
        var doc = JsonDocument.Parse(await _reader.GetStringAsync("/swagger/v1/swagger.json", Ct)).RootElement;
        var paths = doc.GetProperty("paths");
        string[] Codes(string path, string verb) =>
            paths.GetProperty(path).GetProperty(verb).GetProperty("responses").EnumerateObject().Select(p => p.Name).Order().ToArray();

        Assert.Equal(["200", "401", "403"], Codes("/api/topics", "get"));
        Assert.Equal(["200", "400", "401", "403", "409", "429"], Codes("/api/topics/{topic}/members", "put"));
        Assert.Equal(["200", "400", "401", "403", "429"], Codes("/api/topics/{topic}/members", "delete"));
        Assert.Equal(["200", "400", "401", "403", "429"], Codes("/api/topics/{topic}/peers", "get"));
        Assert.True(paths.GetProperty("/api/topics/{topic}/peers").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").TryGetProperty("text/event-stream", out _));
        var body = doc.GetProperty("components").GetProperty("schemas").GetProperty("TopicMembersBody").GetProperty("properties");
        Assert.True(body.GetProperty("addresses").TryGetProperty("example", out _));
        Assert.True(body.GetProperty("ttlSeconds").TryGetProperty("example", out _));
    }
}
