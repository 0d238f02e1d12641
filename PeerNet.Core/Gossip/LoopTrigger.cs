namespace PeerNet.Gossip;

/// <summary>
/// Wakes a periodic loop early: <see cref="WaitAsync"/> returns after the period or as soon as someone calls
/// <see cref="Fire"/>, whichever is first. Signals that arrive while the loop is busy are kept (one, not a
/// queue), so the next wait returns at once. Waits on <see cref="TimeProvider"/> time so tests can drive it.
/// </summary>
public sealed class LoopTrigger
{
    private TaskCompletionSource _signal = NewSignal();

    /// <summary>Wakes the loop (now, or at its next wait).</summary>
    public void Fire() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>Waits for <paramref name="period"/> or a <see cref="Fire"/>; true when fired.</summary>
    public async Task<bool> WaitAsync(TimeSpan period, TimeProvider time, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _signal);
        if (!signal.Task.IsCompleted)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(period, time, stop.Token);
            await Task.WhenAny(signal.Task, delay).ConfigureAwait(false);
            stop.Cancel(); // ends the delay's timer when the signal won
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (!signal.Task.IsCompleted)
            return false;
        // Consume the signal; a Fire from now on lands on the new one.
        Interlocked.CompareExchange(ref _signal, NewSignal(), signal);
        return true;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
