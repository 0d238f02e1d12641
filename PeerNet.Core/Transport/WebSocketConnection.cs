using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;

namespace PeerNet.Transport;

/// <summary>
/// Adapts a WebSocket (client or server side) to a byte-stream <see cref="PeerConnection"/>.
/// </summary>
/// <remarks>
/// Received binary messages are concatenated into one stream (a frame may span messages, a message may hold
/// several frames). Everything the session flushed at once is sent as one binary message, so a drained batch
/// of frames costs one WebSocket message: per-message cost, not bytes, limits WebSocket throughput.
/// A text message is a protocol violation: the input completes with <see cref="PeerProtocolException"/>.
/// Liveness is the WebSocket's own ping/pong (its KeepAliveInterval and KeepAliveTimeout).
/// </remarks>
public sealed class WebSocketConnection : PeerConnection
{
    /// <summary>How long a clean close may take before the socket is aborted.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private const int ReceiveChunk = 4096;

    private readonly WebSocket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly IDuplexPipe _pipe;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _receiving;
    private readonly Task _sending;
    private int _disposed;

    /// <summary>Starts pumping between <paramref name="socket"/> and the connection's pipe.</summary>
    public WebSocketConnection(WebSocket socket, string transport, EndPoint? remoteEndPoint = null)
    {
        _socket = socket;
        Transport = transport;
        RemoteEndPoint = remoteEndPoint;
        // Small thresholds: the session reads promptly, and a peer that floods must meet backpressure early.
        var options = new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false);
        _input = new Pipe(options);
        _output = new Pipe(options);
        _pipe = new WebSocketDuplexPipe(_input.Reader, _output.Writer);
        _receiving = ReceiveAsync();
        _sending = SendAsync();
    }

    /// <inheritdoc />
    public override IDuplexPipe Pipe => _pipe;

    /// <inheritdoc />
    public override string Transport { get; }

    /// <inheritdoc />
    public override EndPoint? RemoteEndPoint { get; }

    /// <inheritdoc />
    public override KeepAliveMode KeepAlive => KeepAliveMode.Transport;

    /// <inheritdoc />
    public override void Abort()
    {
        _abort.Cancel();
        _socket.Abort();
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _output.Writer.CompleteAsync().ConfigureAwait(false); // ends the send loop, which closes our side
        _input.Reader.CancelPendingRead();
        try
        {
            await Task.WhenAll(_sending, _receiving).WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        Abort();
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        _socket.Dispose();
        _abort.Dispose();
    }

    private async Task ReceiveAsync()
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                var memory = _input.Writer.GetMemory(ReceiveChunk);
                var result = await _socket.ReceiveAsync(memory, _abort.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    await CloseWithAsync(WebSocketCloseStatus.InvalidMessageType, "binary messages only").ConfigureAwait(false);
                    await _input.Writer.CompleteAsync(new PeerProtocolException("text WebSocket message (the protocol sends binary messages only)")).ConfigureAwait(false);
                    // Finish the close handshake before the connection is torn down: aborting right after our Close
                    // frame resets the tcp connection, and the reset can destroy that frame before the peer reads it.
                    await AwaitPeerCloseAsync().ConfigureAwait(false);
                    return;
                }
                _input.Writer.Advance(result.Count);
                var flush = await _input.Writer.FlushAsync(_abort.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                    break;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The peer went away or the connection was aborted: the session sees the end of input.
        }
        await _input.Writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>After our Close: reads and drops whatever the peer still sends until its Close, within <see cref="CloseTimeout"/>.</summary>
    private async Task AwaitPeerCloseAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        timeout.CancelAfter(CloseTimeout);
        var buffer = new byte[ReceiveChunk];
        try
        {
            while ((await _socket.ReceiveAsync(buffer.AsMemory(), timeout.Token).ConfigureAwait(false)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // No Close within the timeout, or the peer went away: the connection is aborted as usual.
        }
    }

    private async Task SendAsync()
    {
        await Task.Yield();
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_abort.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    if (!buffer.IsEmpty)
                        await SendMessageAsync(buffer).ConfigureAwait(false);
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
                if (result.IsCompleted || result.IsCanceled)
                    break;
            }
            await CloseWithAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            // Nothing more can be sent: let the session's reader finish too.
            _input.Reader.CancelPendingRead();
        }
    }

    private async ValueTask SendMessageAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await _socket.SendAsync(buffer.First, WebSocketMessageType.Binary, endOfMessage: true, _abort.Token).ConfigureAwait(false);
            return;
        }
        var position = buffer.Start;
        buffer.TryGet(ref position, out var segment);
        while (buffer.TryGet(ref position, out var next))
        {
            await _socket.SendAsync(segment, WebSocketMessageType.Binary, endOfMessage: false, _abort.Token).ConfigureAwait(false);
            segment = next;
        }
        await _socket.SendAsync(segment, WebSocketMessageType.Binary, endOfMessage: true, _abort.Token).ConfigureAwait(false);
    }

    private async Task CloseWithAsync(WebSocketCloseStatus status, string? description)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        timeout.CancelAfter(CloseTimeout);
        try
        {
            await _socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
    }

    private sealed record WebSocketDuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
