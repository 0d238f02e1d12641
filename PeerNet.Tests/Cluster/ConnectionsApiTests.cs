using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary>Real hosts on loopback ports connecting through the REST API, over ws and tcp.</summary>
public sealed class ConnectionsApiTests
{
    private static readonly TimeSpan Patience = TestCluster.Patience;

    private static async Task<List<JsonElement>> ConnectionsAsync(TestNode node) =>
        (await node.Client.GetFromJsonAsync<JsonElement>("/api/connections")).EnumerateArray().ToList();

    [Theory]
    [InlineData("ws")]
    [InlineData("tcp")]
    public async Task TwoHosts_ConnectThroughRest_AndListEachOtherByNodeId(string transport)
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartAsync(new TestNodeOptions { Tcp = true });
        var b = await cluster.StartAsync();
        var address = transport == "ws" ? a.PeerAddress : a.TcpAddress;

        var response = await b.Client.PostAsJsonAsync("/api/connections", new { address }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var connected = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(address, connected.GetProperty("address").GetString());
        Assert.Equal(a.Node.Id, connected.GetProperty("peerId").GetString());

        var fromB = Assert.Single(await ConnectionsAsync(b));
        Assert.Equal((address, a.Node.Id, "outbound"), (fromB.GetProperty("address").GetString(), fromB.GetProperty("peerId").GetString(), fromB.GetProperty("direction").GetString()));
        Assert.Equal(transport, fromB.GetProperty("transport").GetString());
        Assert.True(fromB.GetProperty("peerNet").GetBoolean());
        await Wait.UntilAsync(async () => (await ConnectionsAsync(a)).Count == 1, Patience, "a lists b");
        var fromA = (await ConnectionsAsync(a))[0];
        Assert.Equal(JsonValueKind.Null, fromA.GetProperty("address").ValueKind);
        Assert.Equal((b.Node.Id, "inbound"), (fromA.GetProperty("peerId").GetString(), fromA.GetProperty("direction").GetString()));
        Assert.Equal(1, (await a.Client.GetFromJsonAsync<JsonElement>("/api/node", cancellationToken: TestContext.Current.CancellationToken)).GetProperty("connections").GetInt32());

        // Counters are background writes: committed within PeerNet:StoreFlushInterval.
        await Wait.UntilAsync(async () =>
        {
            var stats = await b.Client.GetAsync("/api/nodes/stats?address=" + Uri.EscapeDataString(address));
            return stats.IsSuccessStatusCode
                && (await stats.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connections").GetProperty("ok").GetInt64() == 1;
        }, Patience, "b's stats show one successful connection to a");
    }

    [Fact]
    public async Task Connect_Twice_Is409_ToItself_Is502_Unreachable_Is502()
    {
        await using var cluster = new TestCluster();
        var (a, b) = (await cluster.StartAsync(), await cluster.StartAsync());
        var aAddress = a.PeerAddress;
        Assert.Equal(HttpStatusCode.OK, (await b.Client.PostAsJsonAsync("/api/connections", new { address = aAddress }, cancellationToken: TestContext.Current.CancellationToken)).StatusCode);

        var twice = await b.Client.PostAsJsonAsync("/api/connections", new { address = aAddress }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        var self = await b.Client.PostAsJsonAsync("/api/connections", new { address = b.PeerAddress }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadGateway, self.StatusCode);
        Assert.Contains("itself", (await self.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("detail").GetString());

        using var nobody = LoopbackPort.Refusing(); // bound, never listening: the dial is refused at once
        var unreachable = await b.Client.PostAsJsonAsync("/api/connections", new { address = $"ws://127.0.0.1:{nobody.Port}/peer" }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadGateway, unreachable.StatusCode);
        Assert.Equal("application/problem+json", unreachable.Content.Headers.ContentType?.MediaType);

        var bad = await b.Client.PostAsJsonAsync("/api/connections", new { address = "http://x" }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Single(await ConnectionsAsync(b));
    }

    [Fact]
    public async Task Disconnect_ByAddressOrPeerId_Is204_ThenNotConnected_Is404()
    {
        await using var cluster = new TestCluster();
        var (a, b, c) = (await cluster.StartAsync(), await cluster.StartAsync(), await cluster.StartAsync());
        var aAddress = a.PeerAddress;
        await b.Client.PostAsJsonAsync("/api/connections", new { address = aAddress }, cancellationToken: TestContext.Current.CancellationToken);
        await c.Client.PostAsJsonAsync("/api/connections", new { address = aAddress }, cancellationToken: TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => a.Node.ConnectionCount == 2, Patience, "a has two peers");

        Assert.Equal(HttpStatusCode.NoContent, (await b.Client.DeleteAsync("/api/connections?address=" + Uri.EscapeDataString(aAddress), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.Client.DeleteAsync("/api/connections?address=" + Uri.EscapeDataString(aAddress), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await a.Client.DeleteAsync($"/api/connections?peerId={c.Node.Id}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.Client.DeleteAsync($"/api/connections?peerId={c.Node.Id}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await a.Client.DeleteAsync("/api/connections", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await a.Client.DeleteAsync("/api/connections?peerId=xyz", TestContext.Current.CancellationToken)).StatusCode);
        await Wait.UntilAsync(() => a.Node.ConnectionCount == 0 && b.Node.ConnectionCount == 0 && c.Node.ConnectionCount == 0, Patience, "all closed");
    }

    [Fact]
    public async Task Connect_ToAServerThatNeverUpgrades_TimesOutAfterConnectTimeout()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartAsync(TestNodeOptions.With(("PeerNet:ConnectTimeout", "300")));
        using var blackHole = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        blackHole.Start(); // accepts at the kernel, never answers the HTTP upgrade
        var port = ((IPEndPoint)blackHole.LocalEndpoint).Port;

        var response = await a.Client.PostAsJsonAsync("/api/connections", new { address = $"ws://127.0.0.1:{port}/peer" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Timed out", problem.GetProperty("title").GetString());
        Assert.Contains("300 ms", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CreateStream_APeerConnectionFromTheUsersOwnServer_Handshakes()
    {
        await using var cluster = new TestCluster();
        var (a, b) = (await cluster.StartAsync(), await cluster.StartAsync());
        // The user's own listener hands each accepted socket to the node as a stream.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            await a.Node.AcceptAsync(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint);
        }, TestContext.Current.CancellationToken);

        var peer = await b.Node.ConnectAsync($"tcp://127.0.0.1:{port}", TestContext.Current.CancellationToken);

        Assert.Equal(a.Node.Id, peer.PeerId);
        await Wait.UntilAsync(() => a.Node.ConnectionCount == 1, Patience, "a lists b");
        Assert.Equal("stream", a.Node.Connections()[0].Transport);
        await b.Node.DisconnectAsync($"tcp://127.0.0.1:{port}");
        await serving.WaitAsync(Patience, TestContext.Current.CancellationToken); // AcceptAsync returns when the connection closes
    }

    [Fact]
    public async Task PeerPath_WithoutAnUpgrade_IsAProblem()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartAsync();
        var response = await a.Client.GetAsync("/peer", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
