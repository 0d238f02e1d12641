using System.Threading.Tasks.Sources;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// The responses of one own announce on their way from the router loop (the only writer) to the announcer's stream
/// (the only reader): bounded, and completed when the announce ends; items written before that stay readable.
/// </summary>
/// <remarks>
/// Hand-written instead of a <c>System.Threading.Channels</c> channel because one is created per announce: an
/// unbounded single-reader channel allocates about 1.1 KB (its first queue segment alone has 32 slots) plus an
/// operation object per wait, a third of all the bytes an announce round trip allocated. This queue allocates itself,
/// a small queue on its first response, and nothing per wait (a reusable value-task source). Continuations run on the
/// thread pool, never on the writer's thread, so the router loop never runs the announcer's code.
/// </remarks>
internal class ResponseQueue<T> : IValueTaskSource<bool>
{
    private readonly int _capacity;
    // The first item waits in a field: most announces get few answers, and this spares them the queue's allocations.
    private T _first = default!;
    private bool _hasFirst;
    private Queue<T>? _items;
    private bool _completed;
    private bool _waiting;
    private CancellationToken _waitToken;
    private CancellationTokenRegistration _cancellation;
    private ManualResetValueTaskSourceCore<bool> _waiter = new() { RunContinuationsAsynchronously = true };

    /// <summary>A queue that holds at most <paramref name="capacity"/> unread items.</summary>
    public ResponseQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    private object Gate => this;

    /// <summary>Unread items.</summary>
    public int Count
    {
        get
        {
            lock (Gate)
                return CountLocked;
        }
    }

    /// <summary>Queues <paramref name="item"/>; false when the queue is full or completed.</summary>
    public bool TryWrite(T item)
    {
        lock (Gate)
        {
            if (_completed || CountLocked >= _capacity)
                return false;
            if (!_hasFirst && (_items is null || _items.Count == 0))
            {
                _first = item;
                _hasFirst = true;
            }
            else
            {
                (_items ??= new Queue<T>(1)).Enqueue(item);
            }
            if (!TakeWaiter())
                return true;
        }
        Wake(true);
        return true;
    }

    /// <summary>No more items will come; a waiting reader is told so once the queue is empty. Idempotent.</summary>
    public void Complete()
    {
        bool wake;
        lock (Gate)
        {
            if (_completed)
                return;
            _completed = true;
            wake = TakeWaiter();
        }
        if (wake)
            Wake(false);
    }

    /// <summary>Takes the next item, if any.</summary>
    public bool TryRead(out T item)
    {
        lock (Gate)
        {
            if (_hasFirst)
            {
                item = _first;
                _first = default!;
                _hasFirst = false;
                return true;
            }
            if (_items is { Count: > 0 } items)
            {
                item = items.Dequeue();
                return true;
            }
        }
        item = default!;
        return false;
    }

    /// <summary>
    /// True once an item can be read, false once the queue is completed and empty. One waiter at a time (the single
    /// reader); throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        // Cancellation first, as channels do: a cancelled stream stops even while responses keep arriving.
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<bool>(cancellationToken);
        lock (Gate)
        {
            if (CountLocked > 0)
                return new ValueTask<bool>(true);
            if (_completed)
                return new ValueTask<bool>(false);
            if (_waiting)
                throw new InvalidOperationException("Only one reader may wait at a time.");
            _waiter.Reset();
            _waiting = true;
            _waitToken = cancellationToken;
            // Registered under the lock, so a writer that takes this wait unregisters this registration, not an older
            // one. A token cancelled meanwhile runs the callback right here (the lock is re-entrant): the wait fails.
            if (cancellationToken.CanBeCanceled)
                _cancellation = cancellationToken.UnsafeRegister(static state => ((ResponseQueue<T>)state!).CancelWait(), this);
            return new ValueTask<bool>(this, _waiter.Version);
        }
    }

    private int CountLocked => (_hasFirst ? 1 : 0) + (_items?.Count ?? 0);

    private void CancelWait()
    {
        lock (Gate)
        {
            // A late callback of an earlier wait's token must not cancel a wait on another token.
            if (!_waiting || !_waitToken.IsCancellationRequested)
                return;
            _waiting = false;
            _waiter.SetException(new OperationCanceledException(_waitToken));
        }
    }

    /// <summary>Under the lock: true when a reader was waiting (it is no longer marked as such).</summary>
    private bool TakeWaiter()
    {
        if (!_waiting)
            return false;
        _waiting = false;
        return true;
    }

    /// <summary>Outside the lock: completes the taken wait.</summary>
    private void Wake(bool result)
    {
        _cancellation.Unregister(); // non-blocking; a callback already running finds no waiter
        _waiter.SetResult(result);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);
}
