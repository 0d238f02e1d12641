using System.Net;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

public sealed class SwaggerTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task SwaggerJson_DocumentsEveryEndpointWithItsStatusCodes()
    {
        var client = _factory.CreateClient();
        var doc = JsonDocument.Parse(await client.GetStringAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken)).RootElement;
        var paths = doc.GetProperty("paths");

        string[] Codes(string path, string verb) =>
            paths.GetProperty(path).GetProperty(verb).GetProperty("responses").EnumerateObject().Select(p => p.Name).Order().ToArray();

        Assert.Equal(["200"], Codes("/api/node", "get"));
        Assert.Equal(["200", "400"], Codes("/api/nodes", "get"));
        Assert.Equal(["200", "400", "401", "403", "429"], Codes("/api/nodes", "post"));
        Assert.Equal(["200", "400", "401", "403", "429"], Codes("/api/nodes", "delete"));
        Assert.Equal(["200", "400", "404"], Codes("/api/nodes/stats", "get"));
        Assert.Equal(["200", "400"], Codes("/api/nodes/sample", "get"));
        Assert.Equal("n", paths.GetProperty("/api/nodes/sample").GetProperty("get").GetProperty("parameters")[0].GetProperty("name").GetString());
        Assert.Equal(["200"], Codes("/api/connections", "get"));
        Assert.Equal(["200", "400", "401", "403", "409", "429", "502"], Codes("/api/connections", "post"));
        Assert.Equal(["204", "400", "401", "403", "404", "429"], Codes("/api/connections", "delete"));
        Assert.Equal(["200", "400", "401", "403", "429"], Codes("/api/announce", "post"));
        Assert.Equal(["200", "401", "403", "429", "503"], Codes("/api/requests", "get"));
        Assert.Equal(["202", "400", "401", "403", "404", "503"], Codes("/api/requests/{handle}/reply", "post"));
        Assert.True(paths.GetProperty("/api/announce").GetProperty("post").GetProperty("responses").GetProperty("200")
            .GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.Equal(["200"], Codes("/api/dashboard", "get"));
        Assert.Equal(["200", "429"], Codes("/api/dashboard/events", "get"));
        Assert.True(paths.GetProperty("/api/dashboard/events").GetProperty("get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.False(paths.TryGetProperty("/", out _)); // the page itself is not an API
        Assert.Equal(["200"], Codes("/healthz", "get"));
        Assert.Equal(["200", "503"], Codes("/readyz", "get"));

        // Bodies come with examples from the XML docs.
        var request = doc.GetProperty("components").GetProperty("schemas").GetProperty("AddressesRequest");
        Assert.True(request.GetProperty("properties").GetProperty("addresses").TryGetProperty("example", out _));
        Assert.True(doc.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("X-Api-Key", out _));
        var announce = doc.GetProperty("components").GetProperty("schemas").GetProperty("AnnounceBody");
        Assert.True(announce.GetProperty("properties").GetProperty("type").TryGetProperty("example", out _));
    }

    [Fact]
    public async Task SwaggerUi_IsServed()
    {
        var response = await _factory.CreateClient().GetAsync("/swagger/index.html", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
