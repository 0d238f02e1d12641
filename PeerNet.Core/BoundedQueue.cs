using System.Threading.Channels;
using System.Threading.Tasks.Sources;

namespace PeerNet;

/// <summary>
/// A bounded queue with one reader: the responses of one own announce on their way from the router loop to the
/// announcer's stream (OwnAnnounce), and each session's send queue (any number of writers, the writer loop reading).
/// Completed when its reader's work ends; items written before that stay readable. Writers past the capacity fail
/// (<see cref="TryWrite"/>) or wait for room in turn (<see cref="WriteAsync"/>), as with a bounded channel.
/// </summary>
/// <remarks>
/// Hand-written instead of a <c>System.Threading.Channels</c> channel because there is one per announce and one per
/// peer: an unbounded single-reader channel allocates about 1.1 KB (its first queue segment alone has 32 slots) plus an
/// operation object per wait, a third of all the bytes an announce round trip allocated; a bounded one ~690 B before
/// its first item (its reader and writer, a deque, four cached operations), 6.7 MB at 10,000 idle peers. This queue
/// allocates itself, a small queue on its second item, nothing per wait (a reusable value-task source), and a writer's
/// wait only when it waits for room. Continuations run on the thread pool, never on the writer's thread, so a router
/// loop never runs the reader's code.
/// </remarks>
internal class BoundedQueue<T> : IValueTaskSource<bool>
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
    private List<RoomWait>? _writers; // waiting for room, oldest first

    /// <summary>A queue that holds at most <paramref name="capacity"/> unread items.</summary>
    public BoundedQueue(int capacity)
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
            EnqueueLocked(item);
            if (!TakeWaiter())
                return true;
        }
        Wake(true);
        return true;
    }

    /// <summary>Queues <paramref name="item"/>, waiting for room behind the writers already waiting.</summary>
    /// <exception cref="ChannelClosedException">The queue was completed before the item found room.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first; the item was not queued.</exception>
    public ValueTask WriteAsync(T item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        if (TryWrite(item))
            return default;
        RoomWait wait;
        lock (Gate)
        {
            if (_completed)
                return ValueTask.FromException(new ChannelClosedException());
            if (CountLocked < _capacity)
                return WriteAsync(item, cancellationToken); // room appeared since TryWrite (the lock is re-entrant)
            wait = new RoomWait(this, item);
            (_writers ??= []).Add(wait);
        }
        wait.Watch(cancellationToken);
        return new ValueTask(wait.Task);
    }

    /// <summary>No more items will come; a waiting reader is told so once the queue is empty. Idempotent.</summary>
    public void Complete()
    {
        bool wake;
        List<RoomWait>? writers;
        lock (Gate)
        {
            if (_completed)
                return;
            _completed = true;
            wake = TakeWaiter();
            writers = _writers;
            _writers = null;
        }
        if (wake)
            Wake(false);
        writers?.ForEach(static writer => writer.Closed());
    }

    /// <summary>Takes the next item, if any; the room it leaves goes to the longest-waiting writer.</summary>
    public bool TryRead(out T item)
    {
        RoomWait? admitted = null;
        lock (Gate)
        {
            if (_hasFirst)
            {
                item = _first;
                _first = default!;
                _hasFirst = false;
            }
            else if (_items is { Count: > 0 } items)
            {
                item = items.Dequeue();
            }
            else
            {
                item = default!;
                return false;
            }
            if (_writers is { Count: > 0 } writers)
            {
                admitted = writers[0];
                writers.RemoveAt(0);
                EnqueueLocked(admitted.Item);
            }
        }
        admitted?.Admitted();
        return true;
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
                _cancellation = cancellationToken.UnsafeRegister(static state => ((BoundedQueue<T>)state!).CancelWait(), this);
            return new ValueTask<bool>(this, _waiter.Version);
        }
    }

    private int CountLocked => (_hasFirst ? 1 : 0) + (_items?.Count ?? 0);

    /// <summary>Under the lock, with room: appends <paramref name="item"/>.</summary>
    private void EnqueueLocked(T item)
    {
        if (!_hasFirst && (_items is null || _items.Count == 0))
        {
            _first = item;
            _hasFirst = true;
        }
        else
        {
            (_items ??= new Queue<T>(1)).Enqueue(item);
        }
    }

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

    /// <summary>A writer waiting for room: its item, its completion and its token's registration.</summary>
    private sealed class RoomWait(BoundedQueue<T> owner, T item) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private CancellationTokenRegistration _registration;

        public T Item { get; } = item;

        public void Watch(CancellationToken cancellationToken)
        {
            if (!cancellationToken.CanBeCanceled)
                return;
            _registration = cancellationToken.Register(static (state, token) =>
            {
                var wait = (RoomWait)state!;
                bool withdrawn;
                lock (wait._owner.Gate)
                    withdrawn = wait._owner._writers?.Remove(wait) == true;
                if (withdrawn)
                    wait.TrySetCanceled(token); // still waiting: never queued
            }, this);
        }

        public void Admitted()
        {
            _registration.Dispose();
            TrySetResult();
        }

        public void Closed()
        {
            _registration.Dispose();
            TrySetException(new ChannelClosedException());
        }

        private readonly BoundedQueue<T> _owner = owner;
    }
}
