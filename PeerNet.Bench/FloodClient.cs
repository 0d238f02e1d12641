using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Bench;

/// <summary>
/// One flooding peer of <c>flood</c>: says hello as an original node would, answers the node's hello, then sends
/// requests with fresh ids as fast as the socket takes them (64 frames per WebSocket message), and drains what the
/// node sends it. When the node closes it (a flooder is disconnected), it connects again, as an attacker would.
/// </summary>
internal sealed class FloodClient(Uri target, int index, uint hops)
{
    private const int FramesPerMessage = 64;
    private static readonly ByteString Type = ByteString.CopyFromUtf8("flood");
    private static readonly ByteString Data = ByteString.CopyFromUtf8("x");
    private long _next;

    /// <summary>Request frames sent so far.</summary>
    public long Sent;

    /// <summary>Connections after the first.</summary>
    public int Reconnects;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!first)
                Reconnects++;
            first = false;
            try
            {
                await FloodOnceAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
            }
        }
    }

    private async Task FloodOnceAsync(CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(target, cancellationToken);
        var id = new byte[ProtocolLimits.NodeIdLength];
        BinaryPrimitives.WriteInt32LittleEndian(id, index + 1);
        BinaryPrimitives.WriteInt32LittleEndian(id.AsSpan(4), Random.Shared.Next());
        var self = NodeId.Read(id);
        // An original's hello: the node id alone, no PeerNet extension.
        await SendAsync(socket, FrameWriter.ToFrame(new Message
        {
            Request = new Announce { Id = ByteString.CopyFromUtf8($"h{index}"), Hops = 0, Type = MessageTypes.Hello, Data = ByteString.CopyFrom(id), Limit = 1 },
        }), cancellationToken);
        await AnswerHelloAsync(socket, self, cancellationToken);
        var draining = DrainAsync(socket, cancellationToken);
        var batch = new ArrayBufferWriter<byte>(FramesPerMessage * 40);
        while (socket.State == WebSocketState.Open && !cancellationToken.IsCancellationRequested)
        {
            batch.ResetWrittenCount();
            for (var i = 0; i < FramesPerMessage; i++)
                FrameWriter.Write(batch, NextRequest());
            await socket.SendAsync(batch.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            Interlocked.Add(ref Sent, FramesPerMessage);
        }
        await draining;
    }

    private Message NextRequest()
    {
        Span<byte> requestId = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(requestId, index);
        BinaryPrimitives.WriteInt64LittleEndian(requestId[4..], _next++);
        return new Message { Request = new Announce { Id = ByteString.CopyFrom(requestId), Hops = hops, Type = Type, Data = Data } };
    }

    /// <summary>Reads until the node's own hello request arrives and answers it, completing the handshake.</summary>
    private static async Task AnswerHelloAsync(ClientWebSocket socket, NodeId self, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var pending = new ArrayBufferWriter<byte>();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
                throw new WebSocketException("closed before the handshake");
            pending.Write(buffer.AsSpan(0, result.Count));
            var sequence = new ReadOnlySequence<byte>(pending.WrittenMemory);
            while (FrameReader.TryReadFrame(ref sequence, 1 << 20, out var payload) == FrameStatus.Frame)
            {
                var message = Message.Parser.ParseFrom(payload);
                if (message.KindCase == Message.KindOneofCase.Request && message.Request.Type.Equals(MessageTypes.Hello))
                {
                    var answer = FrameWriter.ToFrame(Messages.HelloResponse(ByteString.CopyFromUtf8("r"), message.Request.Id, self));
                    await socket.SendAsync(answer, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                    return;
                }
            }
        }
    }

    /// <summary>Reads and drops everything the node sends (forwards of the other flooders' requests).</summary>
    private static async Task DrainAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                if ((await socket.ReceiveAsync(buffer, cancellationToken)).MessageType == WebSocketMessageType.Close)
                    return;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    private static async Task SendAsync(ClientWebSocket socket, byte[] frame, CancellationToken cancellationToken) =>
        await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
}
