using System.Buffers;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Transport;

namespace PeerNet.Tests.Infrastructure;

/// <summary>The far end of a connection, driven byte by byte by a test (an original node, or a hostile one).</summary>
internal sealed class ScriptedPeer(PeerConnection connection) : IAsyncDisposable
{
    public static readonly NodeId Id = NodeId.Read(Convert.FromHexString("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"));

    /// <summary>The node id this peer says hello with (several scripted peers on one node need different ones).</summary>
    public NodeId NodeId { get; init; } = Id;

    public async Task SendAsync(byte[] bytes)
    {
        await connection.Pipe.Output.WriteAsync(bytes);
    }

    public Task SendAsync(Message message) => SendAsync(FrameWriter.ToFrame(message));

    /// <summary>Sends a _hello request like an original node's: 4-byte id, 16 bytes of data.</summary>
    public Task SendOriginalHelloAsync(string idHex = "01156dce") => SendAsync(new Message
    {
        Request = new Announce
        {
            Id = ByteString.CopyFrom(Convert.FromHexString(idHex)),
            Hops = 0,
            Type = MessageTypes.Hello,
            Data = ByteString.CopyFrom(NodeId.ToArray()),
            Limit = 1,
        },
    });

    /// <summary>Answers a _hello request the node sent.</summary>
    public Task AnswerHelloAsync(Message request) => SendAsync(new Message
    {
        Response = new Announce
        {
            Id = ByteString.CopyFrom(Convert.FromHexString("5d5e8afa")),
            Hops = 0,
            Reply = request.Request.Id,
            Type = MessageTypes.Hello,
            Data = ByteString.CopyFrom(NodeId.ToArray()),
        },
    });

    /// <summary>The bytes of the frame <see cref="ReadAsync"/> returned last, length prefix included.</summary>
    public byte[] LastFrame { get; private set; } = [];

    /// <summary>Reads the next non-empty frame; null when the connection closed first.</summary>
    public async Task<Message?> ReadAsync(TimeSpan? timeout = null, bool skipKeepAlives = true)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var input = connection.Pipe.Input;
        while (true)
        {
            var result = await input.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            var start = buffer.Start;
            var status = FrameReader.TryReadFrame(ref buffer, int.MaxValue, out var payload);
            if (status == FrameStatus.Frame)
            {
                LastFrame = result.Buffer.Slice(start, buffer.Start).ToArray();
                var message = Message.Parser.ParseFrom(payload);
                input.AdvanceTo(buffer.Start);
                if (payload.IsEmpty && skipKeepAlives)
                    continue;
                return message;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
                return null;
        }
    }

    /// <summary>Completes the handshake as an original node would: reads the node's _hello, says hello, answers it.</summary>
    public async Task HandshakeAsync()
    {
        var hello = await ReadAsync();
        await SendOriginalHelloAsync();
        await AnswerHelloAsync(hello!);
    }

    /// <summary>The next request or response of <paramref name="type"/>, skipping everything else.</summary>
    public async Task<Message?> ReadTypeAsync(string type, TimeSpan? timeout = null)
    {
        var wanted = ByteString.CopyFromUtf8(type);
        while (await ReadAsync(timeout) is { } message)
        {
            var announce = message.KindCase switch
            {
                Message.KindOneofCase.Request => message.Request,
                Message.KindOneofCase.Response => message.Response,
                _ => null,
            };
            if (announce is not null && announce.Type.Equals(wanted))
                return message;
        }
        return null;
    }

    /// <summary>Reads until the node closes the connection; true when it did within the timeout.</summary>
    public async Task<bool> ClosedWithinAsync(TimeSpan timeout)
    {
        try
        {
            while (await ReadAsync(timeout, skipKeepAlives: false) is not null)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}
