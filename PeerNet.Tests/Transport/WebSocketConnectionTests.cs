using System.Net.WebSockets;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Transport;

/// <summary>
/// <c>WebSocketConnection</c> on a real host's /peer endpoint, driven by a raw client WebSocket: binary messages form
/// one byte stream (a frame may span messages, a message may hold several frames), a text message is a violation.
/// </summary>
public sealed class WebSocketConnectionTests
{
    private static readonly TimeSpan Patience = TestCluster.Patience;

    // Long enough never to fire in a test: each case must end by its own doing, not by a slow handshake timing out.
    private static Task<TestNode> StartAsync(TestCluster cluster) =>
        cluster.StartAsync(TestNodeOptions.With(("PeerNet:HandshakeTimeout", "60000")));

    private static byte[] Hello(byte idByte) => FrameWriter.ToFrame(new Message
    {
        Request = new Announce
        {
            Id = ByteString.CopyFrom([idByte, 1, 2, 3]),
            Hops = 0,
            Type = MessageTypes.Hello,
            Data = ByteString.CopyFrom(Enumerable.Range(0, 16).Select(i => (byte)(i + idByte)).ToArray()),
            Limit = 1,
        },
    });

    [Fact]
    public async Task ATextWebSocketMessage_ClosesTheConnection()
    {
        await using var cluster = new TestCluster();
        var host = await StartAsync(cluster);
        using var violations = host.Services.Collect("peernet.protocol.violations");
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(host.PeerAddress), CancellationToken.None);
        await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Patience);
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cts.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, result.CloseStatus);
        await cluster.UntilAsync(() => violations.Sum() == 1, "the violation is counted");
    }

    [Fact]
    public async Task FramesSplitAcrossWebSocketMessages_AndMergedInOne_AreRead()
    {
        await using var cluster = new TestCluster();
        var host = await StartAsync(cluster);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(host.PeerAddress), CancellationToken.None);
        var hello = Hello(0x60);
        var addrs = FrameWriter.ToFrame(Messages.AddrsRequest(ByteString.CopyFrom([9, 9, 9, 9]), 5));
        // The length prefix alone, then the rest of _hello merged with the _addrs request, as the original sends.
        await socket.SendAsync(hello[..1], WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.SendAsync(hello[1..].Concat(addrs).ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);

        // The host answers our _hello (after sending its own): the stream was reassembled.
        var received = new List<Message>();
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(Patience);
        var stream = new List<byte>();
        while (!received.Any(m => m.Response?.Type.ToStringUtf8() == "_hello"))
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            stream.AddRange(buffer.AsSpan(0, result.Count).ToArray());
            var sequence = new System.Buffers.ReadOnlySequence<byte>(stream.ToArray());
            received.Clear();
            while (FrameReader.TryReadFrame(ref sequence, 65536, out var payload) == FrameStatus.Frame)
                received.Add(Message.Parser.ParseFrom(payload));
        }
        Assert.Equal([0x60, 1, 2, 3], received.First(m => m.Response?.Type.ToStringUtf8() == "_hello").Response.Reply.ToByteArray());
        Assert.Equal(host.Node.Id, NodeId.Read(received.First(m => m.Request?.Type.ToStringUtf8() == "_hello").Request.Data.Span).ToString());
    }
}
