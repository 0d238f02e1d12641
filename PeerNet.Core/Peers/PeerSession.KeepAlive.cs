using PeerNet.Protocol.Wire;
using PeerNet.Transport;

namespace PeerNet.Peers;

/// <summary>The handshake deadline, then (on transports without their own) keep-alive frames and the silence limit.</summary>
internal sealed partial class PeerSession
{
    private static readonly Message KeepAliveMessage = new(); // encodes as the empty frame 0x00

    private async Task WatchAsync()
    {
        var time = _context.Time;
        var options = _context.Options;
        try
        {
            var handshake = _handshake.Task;
            try
            {
                // WaitAsync drops its timer and token registration once the handshake is done: a Task.Delay raced
                // against it kept both alive for the rest of the timeout on every connection (~300 B each).
                await handshake.WaitAsync(TimeSpan.FromMilliseconds(options.HandshakeTimeout), time, _closing.Token).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!handshake.IsCompleted)
            {
                _failure = PeerConnectFailure.Timeout;
                _ = CloseAsync($"handshake timeout: no handshake within {options.HandshakeTimeout} ms");
                return;
            }
            catch (PeerConnectException)
            {
                return; // closed before the handshake
            }
            if (!handshake.IsCompletedSuccessfully || _connection.KeepAlive != KeepAliveMode.Frames)
            {
                _watchdog = null; // nothing left to watch: RunAsync need not wait for (or keep) this task
                return;
            }

            var interval = TimeSpan.FromMilliseconds(options.KeepAliveInterval);
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                if (time.GetElapsedTime(Volatile.Read(ref _lastReceivedTicks)) > interval * options.KeepAliveMisses)
                {
                    _ = CloseAsync($"silent for over {options.KeepAliveMisses} keep-alive intervals");
                    return;
                }
                if (time.GetElapsedTime(Volatile.Read(ref _lastSentTicks)) >= interval)
                    TrySend(KeepAliveMessage);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
