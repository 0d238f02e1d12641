using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary>
/// Hostile and broken input against a real host, over raw tcp and WebSocket: each case closes or discards as the
/// spec says, counts it, and the host keeps serving its other peer and its REST API throughout.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // Long enough never to fire in a test: each case must end by its own doing (a violation, a close), not because
    // a slow machine let the handshake time out first. The handshake-timeout test starts its own strict host.
    private const string HandshakeTimeout = "60000";
    private readonly TestCluster _cluster = new();
    private TestNode _host = null!;
    private TestNode _friend = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await _cluster.StartAsync(new TestNodeOptions
        {
            Tcp = true,
            Settings = new Dictionary<string, string?>
            {
                ["PeerNet:HandshakeTimeout"] = HandshakeTimeout,
                ["PeerNet:MaxPendingHandshakes"] = "1000",
                ["PeerNet:MaxConnectionsPerLoopbackAddress"] = "1000", // all 300 of the burst test come from 127.0.0.1
            },
        });
        _friend = await _cluster.StartAsync();
        var connected = await _friend.Client.PostAsJsonAsync("/api/connections", new { address = _host.TcpAddress });
        Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>The host still serves: REST answers and the friendly peer is still connected, both ways.</summary>
    private async Task AssertTheHostStillServesAsync()
    {
        var node = await _host.Client.GetFromJsonAsync<JsonElement>("/api/node");
        Assert.Equal(1, node.GetProperty("connections").GetInt32());
        Assert.Equal(_host.Node.Id, Assert.Single(_friend.Node.Connections()).PeerId);
    }

    private async Task<NetworkStream> TcpAsync(int? port = null)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port ?? _host.TcpPort);
        return client.GetStream();
    }

    private static async Task<bool> ClosedAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Patience);
        try
        {
            while (await stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }
            return true;
        }
        catch (IOException)
        {
            return true; // reset
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static byte[] Frame(Announce request) => FrameWriter.ToFrame(new Message { Request = request });

    private static byte[] Hello(byte idByte) => Frame(new Announce
    {
        Id = ByteString.CopyFrom([idByte, 1, 2, 3]),
        Hops = 0,
        Type = MessageTypes.Hello,
        Data = ByteString.CopyFrom(Enumerable.Range(0, 16).Select(i => (byte)(i + idByte)).ToArray()),
        Limit = 1,
    });

    [Theory]
    [InlineData("garbage", "0affffffffffffffffffff")]
    [InlineData("varint 2^32", "8080808010")]
    [InlineData("varint over 64 KiB", "8180040a")]
    [InlineData("frame that is not protobuf", "03ffffff")]
    [InlineData("request without id or hops", "020a00")]
    public async Task AViolation_ClosesTheConnection_AndIsCounted(string name, string hex)
    {
        using var violations = _host.Services.Collect("peernet.protocol.violations");
        await using var stream = await TcpAsync();
        await stream.WriteAsync(Convert.FromHexString(hex), TestContext.Current.CancellationToken);
        Assert.True(await ClosedAsync(stream), name);
        await Wait.UntilAsync(() => violations.Sum() == 1, Patience, $"the {name} violation is counted");
        await AssertTheHostStillServesAsync();
    }

    [Fact]
    public async Task ATruncatedFrameThenClose_EndsOnlyThatConnection()
    {
        var stream = await TcpAsync();
        await stream.WriteAsync(Convert.FromHexString("260a240a04"), TestContext.Current.CancellationToken);
        stream.Socket.Shutdown(SocketShutdown.Send);
        Assert.True(await ClosedAsync(stream));
        stream.Dispose();
        await Wait.UntilAsync(() => _host.Node.Network.OpenConnections == 1, Patience, "only the friend remains");
        await AssertTheHostStillServesAsync();
    }

    [Fact]
    public async Task FieldsOverTheirLimits_AreDiscarded_AndTheConnectionLives()
    {
        using var dropped = _host.Services.Collect("peernet.messages.dropped");
        using var violations = _host.Services.Collect("peernet.protocol.violations");
        await using var stream = await TcpAsync();
        await stream.WriteAsync(Hello(0x40), TestContext.Current.CancellationToken);
        await stream.WriteAsync(Frame(new Announce { Id = ByteString.CopyFrom(new byte[8]), Hops = 0, Type = ByteString.CopyFromUtf8("x"), Data = ByteString.CopyFrom(new byte[2000]) }), TestContext.Current.CancellationToken);
        await stream.WriteAsync(Frame(new Announce { Id = ByteString.CopyFrom(new byte[65]), Hops = 0 }), TestContext.Current.CancellationToken);
        await stream.WriteAsync(Frame(new Announce { Id = ByteString.CopyFrom(new byte[8]), Hops = 65, // over the default MaxHops of 64
            Type = ByteString.CopyFromUtf8("x") }), TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => dropped.Sum("reason", "field_limit") == 3, Patience, "three discards");

        // Still open: nothing broke the protocol, and the connection counts beside the friend's.
        Assert.Equal(0, violations.Sum());
        Assert.Equal(2, _host.Node.Network.OpenConnections);
        await AssertTheHostStillServesAsync();
    }

    [Fact]
    public async Task APeerThatNeverSaysHello_OrSendsNothing_IsDroppedAfterTheHandshakeTimeout()
    {
        var strict = await _cluster.StartAsync(new TestNodeOptions { Tcp = true, Settings = new Dictionary<string, string?> { ["PeerNet:HandshakeTimeout"] = "500" } });
        await using var quiet = await TcpAsync(strict.TcpPort);
        await using var helloOnly = await TcpAsync(strict.TcpPort);
        await helloOnly.WriteAsync(Hello(0x50), TestContext.Current.CancellationToken); // says hello, but never answers ours
        Assert.True(await ClosedAsync(quiet));
        Assert.True(await ClosedAsync(helloOnly));
        await AssertTheHostStillServesAsync();
    }

    [Fact]
    public async Task TwoHundredConnectionsOpenedAndDroppedAtOnce_LeaveTheHostHealthy()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, _host.TcpPort);
            return client;
        }));
        var sockets = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_host.BaseAddress.Port}/peer"), CancellationToken.None);
            return socket;
        }));
        foreach (var client in clients)
            client.Dispose();
        foreach (var socket in sockets)
            socket.Abort();

        await Wait.UntilAsync(() => _host.Node.Network.OpenConnections == 1, Patience, "every dropped connection is cleaned up");
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("/readyz", TestContext.Current.CancellationToken)).StatusCode);
        await AssertTheHostStillServesAsync();
    }
}
