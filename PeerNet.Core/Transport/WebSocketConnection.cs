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
/// of frames costs one WebSocket message: per-message cost, not bytes, limits WebSocket throughput. The flush
/// sends that message itself, from the session's writer loop: no pipe and no second loop in between.
/// A text message is a protocol violation: the input completes with <see cref="PeerProtocolException"/>.
/// Liveness is the WebSocket's own ping/pong (its KeepAliveInterval and KeepAliveTimeout).
/// </remarks>
public sealed class WebSocketConnection : PeerConnection
{
    /// <summary>How long a clean close may take before the socket is aborted.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private const int ReceiveChunk = 4096;

    // Small thresholds: the session reads promptly, and a peer that floods must meet backpressure early.
    // Inline reader: the session's read loop (which only parses and hands frames on, never blocks) runs on the
    // receive loop's thread as each chunk is flushed, instead of one more thread-pool hop per received chunk.
    // One instance for every connection (it holds no state of its own).
    private static readonly PipeOptions InputOptions = new(
        readerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: PeerNetLimits.ReceivePipePauseBytes,
        resumeWriterThreshold: PeerNetLimits.ReceivePipeResumeBytes,
        useSynchronizationContext: false);

    private readonly WebSocket _socket;
    private readonly Pipe _input;
    private readonly SocketWriter _output;
    private readonly IDuplexPipe _pipe;
    private readonly Task _receiving;
    private int _disposed;

    /// <summary>Starts pumping between <paramref name="socket"/> and the connection's pipe.</summary>
    public WebSocketConnection(WebSocket socket, string transport, EndPoint? remoteEndPoint = null)
    {
        _socket = socket;
        Transport = transport;
        RemoteEndPoint = remoteEndPoint;
        _input = new Pipe(InputOptions);
        _output = new SocketWriter(this);
        _pipe = new WebSocketDuplexPipe(_input.Reader, _output);
        _receiving = ReceiveAsync();
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
        // Aborting the socket fails its pending receive and send (no token is passed to them: a registration per
        // receive, and a token source per connection, for what the abort does anyway); a receive stuck on backpressure
        // is let go here.
        _socket.Abort();
        _input.Writer.CancelPendingFlush();
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        await _output.CompleteAsync().ConfigureAwait(false);
        try
        {
            // A send the session gave up on (its flush was cancelled) may still be running: the close frame goes after it.
            await _output.InFlight.WaitAsync(CloseTimeout).ConfigureAwait(false);
            await CloseWithAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException || IsConnectionEnd(ex))
        {
        }
        _input.Reader.CancelPendingRead();
        try
        {
            await _receiving.WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        Abort();
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    private async Task ReceiveAsync()
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                // A zero-byte receive first, as SignalR's WebSocket transport does: an idle peer holds no pipe segment
                // while it says nothing (most peers are idle most of the time). It returns once a frame has arrived.
                var result = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    if (result.EndOfMessage)
                        continue; // an empty message: nothing to read
                    var memory = _input.Writer.GetMemory(ReceiveChunk);
                    result = await _socket.ReceiveAsync(memory, CancellationToken.None).ConfigureAwait(false);
                }
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
                var flush = await _input.Writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                    break; // the session stopped reading, or the connection was aborted
            }
        }
        catch (Exception ex) when (IsConnectionEnd(ex))
        {
            // The peer went away or the connection was aborted: the session sees the end of input.
        }
        await _input.Writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>After our Close: reads and drops whatever the peer still sends until its Close, within <see cref="CloseTimeout"/>.</summary>
    private async Task AwaitPeerCloseAsync()
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        var buffer = new byte[ReceiveChunk];
        try
        {
            while ((await _socket.ReceiveAsync(buffer.AsMemory(), timeout.Token).ConfigureAwait(false)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception ex) when (IsConnectionEnd(ex))
        {
            // No Close within the timeout, or the peer went away: the connection is aborted as usual.
        }
    }

    /// <summary>
    /// The session's output: frames are written into one pooled buffer and each flush sends it as one binary
    /// message straight from the caller (the session's single writer loop). Nothing is buffered between flushes.
    /// </summary>
    private sealed class SocketWriter(WebSocketConnection owner) : PipeWriter
    {
        private const int MinimumBuffer = 4096;
        private byte[]? _buffer;
        private int _written;
        private bool _completed;

        /// <summary>The last send, when the session stopped waiting for it (completed otherwise).</summary>
        public Task InFlight { get; private set; } = Task.CompletedTask;

        public override void Advance(int bytes) => _written += bytes;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return _buffer.AsMemory(_written);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return _buffer.AsSpan(_written);
        }

        public override void CancelPendingFlush()
        {
            // Flushes complete as soon as the socket took the bytes; there is nothing to cancel.
        }

        public override void Complete(Exception? exception = null)
        {
            _completed = true;
            Release();
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (_completed)
                return new(new FlushResult(isCanceled: false, isCompleted: true));
            if (_written == 0)
                return new(new FlushResult(isCanceled: false, isCompleted: false));
            ValueTask send;
            try
            {
                send = owner._socket.SendAsync(_buffer.AsMemory(0, _written), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            }
            catch (Exception ex) when (IsConnectionEnd(ex))
            {
                return new(Failed());
            }
            if (send.IsCompletedSuccessfully)
            {
                Release();
                return new(new FlushResult(isCanceled: false, isCompleted: false));
            }
            return AwaitSendAsync(send, cancellationToken);
        }

        private async ValueTask<FlushResult> AwaitSendAsync(ValueTask send, CancellationToken cancellationToken)
        {
            var task = send.AsTask();
            try
            {
                // The session may stop waiting (it is closing); cancelling the send itself would abort the socket.
                await task.WaitAsync(cancellationToken).ConfigureAwait(false);
                Release();
                return new FlushResult(isCanceled: false, isCompleted: false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !task.IsCompleted)
            {
                // The buffer stays with the running send: drop it instead of returning it to the pool.
                InFlight = task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                _buffer = null;
                _written = 0;
                throw;
            }
            catch (Exception ex) when (IsConnectionEnd(ex))
            {
                return Failed();
            }
        }

        /// <summary>The socket failed: the session's next flush sees completion and its reader ends too.</summary>
        private FlushResult Failed()
        {
            _completed = true;
            Release();
            owner._input.Reader.CancelPendingRead();
            return new FlushResult(isCanceled: false, isCompleted: true);
        }

        private void Reserve(int sizeHint)
        {
            var needed = _written + Math.Max(sizeHint, 1);
            if (_buffer is not null && needed <= _buffer.Length)
                return;
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumBuffer, Math.Max(needed, (_buffer?.Length ?? 0) * 2)));
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, _written).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
            }
            _buffer = bigger;
        }

        /// <summary>Back to the pool after every send: an idle connection holds no send buffer.</summary>
        private void Release()
        {
            if (_buffer is not null)
                ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _written = 0;
        }
    }

    private async Task CloseWithAsync(WebSocketCloseStatus status, string? description)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        using var timeout = new CancellationTokenSource(CloseTimeout); // an abort meanwhile fails the close at once
        try
        {
            await _socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionEnd(ex))
        {
        }
    }

    private sealed record WebSocketDuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>How a WebSocket reports that the connection ended (closed, aborted, cancelled, disposed).</summary>
    private static bool IsConnectionEnd(Exception ex) =>
        ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException;
}
