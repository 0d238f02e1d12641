using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary><c>GET /api/nodes/sample</c> on real hosts: recently verified addresses only, one sample per window.</summary>
public sealed class NodesSampleTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private static async Task<List<string>> SampleAsync(TestNode node, int n)
    {
        var body = await node.Client.GetFromJsonAsync<JsonElement>($"/api/nodes/sample?n={n}");
        Assert.Equal(["items"], body.EnumerateObject().Select(p => p.Name)); // { items: [{ address }] }, like GET /api/nodes
        return body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("address").GetString()!).ToList();
    }

    private static async Task ConnectAsync(TestNode from, string address, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await from.Client.PostAsJsonAsync("/api/connections", new { address });
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task TheSample_HoldsKnownAddressesThisNodeReached_NotOnesOnlyKnownOrOnlyReached()
    {
        var nodes = await _cluster.StartAsync(5);
        var (a, b, c, d, e) = (nodes[0], nodes[1], nodes[2], nodes[3], nodes[4]);
        const string dead = "ws://127.0.0.1:9/peer"; // nothing listens on the discard port
        await a.Node.SaveAsync([b.PeerAddress, c.PeerAddress, dead, e.PeerAddress], TestContext.Current.CancellationToken);
        await ConnectAsync(a, b.PeerAddress);
        await ConnectAsync(a, c.PeerAddress);
        await ConnectAsync(a, d.PeerAddress); // reached, but not a known address: not offered
        await ConnectAsync(a, dead, HttpStatusCode.BadGateway);
        await a.Services.GetRequiredService<PeerStore>().FlushAsync(TestContext.Current.CancellationToken);

        // The first call of a window draws the sample; the window itself is tested in virtual time at the store
        // (PeerStoreTests), where a slow machine cannot make it pass or fail by timing.
        var all = await SampleAsync(a, 100);
        Assert.Equal(new[] { b.PeerAddress, c.PeerAddress }.Order(), all.Order()); // e is known but was never reached; d was reached but is not known
        var unsized = await a.Client.GetFromJsonAsync<JsonElement>("/api/nodes/sample", TestContext.Current.CancellationToken);
        Assert.Equal(all, unsized.GetProperty("items").EnumerateArray().Select(x => x.GetProperty("address").GetString()!)); // n defaults to 10; same window, same sample
        Assert.Empty(await SampleAsync(b, 10));
    }

    [Theory]
    [InlineData("n=0")]
    [InlineData("n=101")]
    [InlineData("n=-5")]
    [InlineData("n=many")]
    public async Task AnNOutsideOneToAHundred_Is400(string query)
    {
        var node = await _cluster.StartAsync();
        var response = await node.Client.GetAsync("/api/nodes/sample?" + query, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Matches(@"\bn\b", problem.GetProperty("detail").GetString()); // names the parameter
    }

}
