using System.Text.Json;
using PeerNet.Client;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Client;

/// <summary>
/// The client covers the host's whole REST API: the (method, route) pairs of the host's OpenAPI document equal
/// <see cref="PeerNetRoutes.All"/>. An endpoint added to the host fails this test until the client calls it.
/// </summary>
public sealed class ClientRoutesTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task EveryEndpointOfTheOpenApiDocument_IsARouteOfTheClient_AndNoOther()
    {
        var http = _factory.CreateClient();
        var doc = JsonDocument.Parse(await http.GetStringAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken)).RootElement;
        var host = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => operation.Name is "get" or "post" or "put" or "delete" or "patch")
                .Select(operation => $"{operation.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet();
        var client = PeerNetRoutes.All.Select(r => r.ToString()).ToHashSet();

        var missing = host.Except(client).Order().ToList();
        var extra = client.Except(host).Order().ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            (missing.Count == 0 ? "" : $"Endpoints of the host missing from PeerNet.Client (add them to PeerNetRoutes and a sub-client): {string.Join(", ", missing)}. ") +
            (extra.Count == 0 ? "" : $"Routes of the client the host does not serve: {string.Join(", ", extra)}."));
        Assert.Equal(PeerNetRoutes.All.Count, client.Count); // each route listed once
    }

    [Fact]
    public void ARoute_FillsItsParametersEscaped_AndIsRelativeToTheBaseAddress()
    {
        Assert.Equal("api/requests/a%2Fb/reply", PeerNetRoutes.Reply.Path("a/b"));
        Assert.Equal("api/node", PeerNetRoutes.Node.Path());
        Assert.Throws<ArgumentException>(() => PeerNetRoutes.Reply.Path());
        Assert.Throws<ArgumentException>(() => PeerNetRoutes.Node.Path("x"));
    }
}
