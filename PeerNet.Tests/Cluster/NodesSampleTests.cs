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
    public async Task TheSample_HoldsKnownAddressesThisNodeReached_AndStaysTheSameWithinItsWindow()
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

        var clock = Stopwatch.StartNew();
        var all = await SampleAsync(a, 100);
        Assert.Equal(new[] { b.PeerAddress, c.PeerAddress }.Order(), all.Order()); // e is known but was never reached

        // Within the window every call gets the same sample (the first n of it), even once e is reached too.
        var one = await SampleAsync(a, 1);
        await ConnectAsync(a, e.PeerAddress);
        await a.Services.GetRequiredService<PeerStore>().FlushAsync(TestContext.Current.CancellationToken);
        var again = await SampleAsync(a, 100);
        var oneAgain = await SampleAsync(a, 1);
        if (clock.Elapsed < PeerNetLimits.SampleWindow) // a machine this slow proves nothing about the window either way
        {
            Assert.Equal(all, again);
            Assert.Equal(all.Take(1), one);
            Assert.Equal(one, oneAgain);
        }

        // n defaults to 10 (two or three are verified here); a node that reached nothing has nothing to offer.
        var unsized = await a.Client.GetFromJsonAsync<JsonElement>("/api/nodes/sample", TestContext.Current.CancellationToken);
        Assert.InRange(unsized.GetProperty("items").GetArrayLength(), 2, 3); // b and c (and e, once the window has passed)
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
