namespace PeerNet.Gossip.Announcing;

/// <summary>
/// This node's own announces waiting for answers, by request id key, and their deadlines. One timer serves them all
/// (a timer-backed CancellationTokenSource per announce had its timer-queue and registration locks dominate at high
/// announce rates). Owned by the router's loop: not thread-safe.
/// </summary>
internal sealed class OwnAnnounces(TimeProvider time, Action requestSweep) : IDisposable
{
    private readonly Dictionary<UInt128, OwnAnnounce> _open = [];
    // By deadline (no deadline: TimeSpan.MaxValue). Ended announces stay until popped or compacted away (see Open), so
    // it holds at most about twice the live ones.
    private readonly PriorityQueue<OwnAnnounce, TimeSpan> _deadlines = new();
    private readonly List<(OwnAnnounce, TimeSpan)> _live = []; // reused by the rebuild, so it allocates nothing
    private ITimer? _timer;
    private TimeSpan _armedFor = TimeSpan.MaxValue;

    public bool Contains(UInt128 key) => _open.ContainsKey(key);

    public bool TryGet(UInt128 key, out OwnAnnounce pending) => _open.TryGetValue(key, out pending!);

    /// <summary>Starts waiting for answers to <paramref name="pending"/>; arms the timer when it is the earliest.</summary>
    public void Open(OwnAnnounce pending, TimeSpan now)
    {
        _open[pending.Key] = pending;
        // Ended announces linger in the queue until their deadline; rebuild it when they outnumber the open ones,
        // so it stays bounded by the announces actually in flight.
        if (_deadlines.Count > 64 && _deadlines.Count > 2 * _open.Count)
        {
            foreach (var (element, deadline) in _deadlines.UnorderedItems)
            {
                if (!element.Ended)
                    _live.Add((element, deadline));
            }
            _deadlines.Clear();
            _deadlines.EnqueueRange(_live);
            _live.Clear();
        }
        _deadlines.Enqueue(pending, pending.Deadline);
        if (pending.Deadline < _armedFor)
            Arm(pending.Deadline, now);
    }

    /// <summary>Ends an own announce (idempotent): no more responses are routed to it and its stream finishes.</summary>
    public void End(OwnAnnounce pending)
    {
        if (pending.Ended)
            return;
        pending.Ended = true;
        if (_open.TryGetValue(pending.Key, out var current) && current == pending)
            _open.Remove(pending.Key);
        pending.Complete();
        pending.Report?.Finish();
    }

    /// <summary>Ends the announces whose deadline passed; re-arms the timer for the next one.</summary>
    public void Sweep(TimeSpan now)
    {
        while (_deadlines.TryPeek(out var pending, out var deadline) && (deadline <= now || pending.Ended))
        {
            _deadlines.Dequeue();
            End(pending);
        }
        _armedFor = TimeSpan.MaxValue;
        if (_deadlines.TryPeek(out _, out var next) && next != TimeSpan.MaxValue)
            Arm(next, now);
    }

    /// <summary>The node stops: every announce still open ends now (each is in the deadline queue until it ended).</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        while (_deadlines.TryDequeue(out var open, out _))
            End(open);
    }

    private void Arm(TimeSpan deadline, TimeSpan now)
    {
        _armedFor = deadline;
        // Capped so a far deadline stays within the timer's range; an early firing just re-arms.
        var due = TimeSpan.FromTicks(Math.Clamp((deadline - now).Ticks, 0, TimeSpan.FromDays(1).Ticks));
        _timer ??= time.CreateTimer(static s => ((Action)s!)(), requestSweep, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }
}
