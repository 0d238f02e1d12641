using System.IO.Pipelines;
using System.Threading.Channels;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Peers;

/// <summary>The bounded send queue and its single writer loop: everything sent to the peer goes through here.</summary>
internal sealed partial class PeerSession
{
    private long _lastSentTicks;

    private TimeSpan WriteDeadline => TimeSpan.FromMilliseconds((long)_context.Options.KeepAliveInterval * _context.Options.KeepAliveMisses);

    /// <summary>
    /// Queues forwarded traffic; when the queue is full the message is dropped and counted. Forwarded requests may
    /// fill the queue only up to <see cref="_requestRoom"/>: the rest is the response lane, so a flood of junk requests
    /// passing through cannot push out an honest relayed reply or a control frame (threat H6).
    /// </summary>
    public bool TrySend(OutboundFrame frame)
    {
        if (frame.IsRequest && _queue.Count >= _requestRoom)
            return Dropped(); // past the request room: the send queue is full for forwarded requests
        return _queue.TryWrite(frame) || Dropped();
    }

    private bool Dropped()
    {
        if (_closed is null)
        {
            var dropped = Interlocked.Increment(ref Counters.Dropped);
            _context.Limits.SendQueue.Hit();
            _context.Metrics.MessageDropped("send_queue_full");
            Log.SendDropped(_context.Logger, this, dropped);
        }
        return false;
    }

    /// <summary>Queues a message when there is room, without counting a drop when there is none.</summary>
    public bool TryEnqueue(OutboundFrame frame) => _queue.TryWrite(frame);

    /// <summary>
    /// Queues the node's own traffic, waiting for room at most <see cref="PeerNetLimits.OwnSendDeadline"/>; false when
    /// the session has closed or the peer took nothing for that long (dropped and counted).
    /// </summary>
    public ValueTask<bool> SendAsync(OutboundFrame frame, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _queue.TryWrite(frame) ? new ValueTask<bool>(true) : WaitForRoomAsync(frame, cancellationToken);
    }

    private async ValueTask<bool> WaitForRoomAsync(OutboundFrame frame, CancellationToken cancellationToken)
    {
        // The slow path only (the queue is full): a deadline of its own, which cancels the write itself, so nothing
        // is queued after this has given up.
        using var deadline = new CancellationTokenSource(PeerNetLimits.OwnSendDeadline, _context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await _queue.WriteAsync(frame, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _context.Limits.SendQueue.Hit();
            _context.Metrics.MessageDropped("own_send_timeout");
            return false;
        }
    }

    private async Task WriteLoopAsync()
    {
        var output = _connection.Pipe.Output;
        try
        {
            // No token: closing completes the queue, which ends this wait as cancelling it would.
            while (await _queue.WaitToReadAsync().ConfigureAwait(false))
            {
                var frames = 0;
                long bytes = 0;
                while (frames < PeerNetLimits.MaxFramesPerFlush && _queue.TryRead(out var frame))
                {
                    bytes += frame.WriteTo(output);
                    frames++;
                }
                // The writer loop is these counters' only writer.
                Volatile.Write(ref Counters.FramesOut, Counters.FramesOut + frames);
                Volatile.Write(ref Counters.BytesOut, Counters.BytesOut + bytes);
                Volatile.Write(ref _lastSentTicks, _context.Time.GetTimestamp());
                var pending = output.FlushAsync(_closing.Token);
                FlushResult flush;
                if (pending.IsCompleted)
                {
                    flush = pending.Result;
                }
                else
                {
                    // A peer that stopped reading must not hold this loop (and its queue) for ever: the write has a
                    // deadline, the same patience as for a silent peer, after which the session closes.
                    try
                    {
                        flush = await pending.AsTask().WaitAsync(WriteDeadline, _context.Time, _closing.Token).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        output.CancelPendingFlush();
                        _ = CloseAsync($"write deadline: the peer took nothing for {WriteDeadline.TotalSeconds:0.#} s");
                        break;
                    }
                }
                // Closing: the batch the wait woke for went (a refusal or last answer queued just before the close), no more.
                if (flush.IsCompleted || flush.IsCanceled || _closing.IsCancellationRequested)
                    break;
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            _ = CloseAsync($"write failed: {ex.Message}");
        }
    }
}
