using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace PeerNet.Bench;

/// <summary>
/// A bare WebSocket carrying varint-length-prefixed frames, batched the way PeerNet's peer writer does: frames are
/// drained from a queue, up to <see cref="MaxFramesPerMessage"/> at a time, and each drained batch is sent as one
/// binary WebSocket message. Received messages are split back into frames (a frame may span messages). No protobuf
/// parsing and no gossip logic: the bare stack's cost for the same traffic.
/// </summary>
internal sealed class FrameLink
{
    /// <summary>Frames coalesced into one WebSocket message, as <c>ProtocolLimits.MaxFramesPerFlush</c>.</summary>
    public const int MaxFramesPerMessage = Protocol.ProtocolLimits.MaxFramesPerFlush;

    private readonly WebSocket _socket;
    private readonly Action<FrameLink, int> _onFrame;
    private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>A link over <paramref name="socket"/>; <paramref name="onFrame"/> gets each received frame's payload length, on the read loop.</summary>
    public FrameLink(WebSocket socket, Action<FrameLink, int> onFrame)
    {
        _socket = socket;
        _onFrame = onFrame;
    }

    /// <summary>Queues a whole frame (prefix included) for the writer loop.</summary>
    public void Send(byte[] frame) => _queue.Writer.TryWrite(frame);

    /// <summary>Runs the read and write loops until the socket closes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var writing = WriteLoopAsync(cancellationToken);
        try
        {
            await ReadLoopAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        _queue.Writer.TryComplete();
        try
        {
            await writing;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        var batch = new ArrayBufferWriter<byte>(16 * 1024);
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            batch.ResetWrittenCount();
            for (var frames = 0; frames < MaxFramesPerMessage && reader.TryRead(out var frame); frames++)
                batch.Write(frame);
            await _socket.SendAsync(batch.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(filled), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
                return;
            filled += result.Count;
            var consumed = Split(buffer.AsMemory(0, filled));
            // Keep the partial frame at the front for the next receive.
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
        }
    }

    /// <summary>Hands each whole frame to the callback (split by PeerNet's own frame reader); returns the bytes consumed.</summary>
    private int Split(ReadOnlyMemory<byte> data)
    {
        var buffer = new ReadOnlySequence<byte>(data);
        while (Protocol.FrameReader.TryReadFrame(ref buffer, Protocol.ProtocolLimits.DefaultMaxFrameLength, out var payload) == Protocol.FrameStatus.Frame)
            _onFrame(this, (int)payload.Length);
        return data.Length - (int)buffer.Length;
    }
}
