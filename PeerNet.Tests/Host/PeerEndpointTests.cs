using System.Net;
using Microsoft.AspNetCore.Http;
using PeerNet.Host;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>
/// /peer runs in a branch of its own ahead of the REST middleware (a peer's long request keeps none of their state):
/// it matches the paths the router matched before, answers its own 400 to a plain request, and still takes peers.
/// </summary>
public sealed class PeerEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/peer", true)]
    [InlineData("/PEER", true)]
    [InlineData("/peer/", true)]
    [InlineData("/peers", false)]
    [InlineData("/peer/x", false)]
    [InlineData("/api/peer", false)]
    [InlineData("/", false)]
    public void IsPeerPath_MatchesAsTheRouterDid(string path, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        Assert.Equal(expected, PeerEndpoints.IsPeerPath(context));
    }

    [Fact]
    public async Task PlainRequest_IsAnswered400_AndPeersStillConnect()
    {
        using var dir = new TempDirectory();
        await using var a = await TestNode.StartAsync(dir.File("a.db"));
        await using var b = await TestNode.StartAsync(dir.File("b.db"));

        var response = await a.Client.GetAsync("/Peer/", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WebSocket upgrade required", await response.Content.ReadAsStringAsync(Ct));

        await b.Node.ConnectAsync(a.PeerAddress, Ct);
        await Wait.UntilAsync(() => a.Node.ConnectionCount == 1 && b.Node.ConnectionCount == 1, TimeSpan.FromSeconds(15), "b connected to a through /peer");
    }
}
