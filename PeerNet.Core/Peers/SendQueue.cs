using System.Threading.Channels;
using System.Threading.Tasks.Sources;

namespace PeerNet.Peers;

/// <summary>
/// A session's bounded send queue: any number of writers, one reader (the writer loop). Writes past the capacity
/// fail (<see cref="TryWrite"/>) or wait for room (<see cref="WriteAsync"/>); completing it ends the reader once it
/// has drained what was queued, and fails the writers still waiting with <see cref="ChannelClosedException"/>, as a
/// bounded channel does.
/// </summary>
/// <remarks>
/// Written by hand because System.Threading.Channels' bounded channel costs ~690 B per channel before its first item
/// (its reader and writer objects, a deque and four cached async operations): 6.7 MB at 10,000 idle peers. This is
/// one object with one reusable wait for the reader; its ring array is made at the first write and grows to the
/// capacity only when the peer falls behind; a writer waiting for room (the node's own traffic to a full queue, rare)
/// allocates its wait when it waits.
/// </remarks>
internal sealed class SendQueue<T> : IValueTaskSource<bool>
{
    private const int InitialRoom = 4;

    private readonly int _capacity;
    private ManualResetValueTaskSourceCore<bool> _readerWait = new() { RunContinuationsAsynchronously = true };
    private T[]? _items;
    private int _head;
    private int _count;
    private bool _completed;
    private bool _readerWaiting;
    private List<RoomWait>? _writers;

    public SendQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Items queued now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Queues <paramref name="item"/> when there is room and the queue is not completed.</summary>
    public bool TryWrite(T item)
    {
        bool wake;
        lock (this)
        {
            if (_completed || _count >= _capacity)
                return false;
            Enqueue(item);
            wake = TakeReaderWait();
        }
        if (wake)
            _readerWait.SetResult(true);
        return true;
    }

    /// <summary>Queues <paramref name="item"/>, waiting for room.</summary>
    /// <exception cref="ChannelClosedException">The queue was completed before the item found room.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first; the item was not queued.</exception>
    public ValueTask WriteAsync(T item, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        RoomWait wait;
        bool wake;
        lock (this)
        {
            if (_completed)
                return ValueTask.FromException(new ChannelClosedException());
            if (_count < _capacity)
            {
                Enqueue(item);
                wake = TakeReaderWait();
                wait = null!;
            }
            else
            {
                wait = new RoomWait(this, item);
                (_writers ??= []).Add(wait);
                wake = false;
            }
        }
        if (wait is null)
        {
            if (wake)
                _readerWait.SetResult(true);
            return default;
        }
        wait.Watch(cancellationToken);
        return new ValueTask(wait.Task);
    }

    /// <summary>Takes the oldest item, if any (the reader only).</summary>
    public bool TryRead(out T item)
    {
        RoomWait? admitted = null;
        lock (this)
        {
            if (_count == 0)
            {
                item = default!;
                return false;
            }
            item = _items![_head];
            _items[_head] = default!;
            _head = (_head + 1) % _items.Length;
            _count--;
            // Room appeared: the longest-waiting writer's item goes in now, in its turn.
            if (_writers is { Count: > 0 } writers)
            {
                admitted = writers[0];
                writers.RemoveAt(0);
                Enqueue(admitted.Item);
            }
        }
        admitted?.Admitted();
        return true;
    }

    /// <summary>
    /// Completes when an item can be read (true) or the queue is completed and drained (false). One wait at a time:
    /// the reader awaits each before asking again.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (this)
        {
            if (_count > 0)
                return new ValueTask<bool>(true);
            if (_completed)
                return new ValueTask<bool>(false);
            _readerWait.Reset();
            _readerWaiting = true;
            return new ValueTask<bool>(this, _readerWait.Version);
        }
    }

    /// <summary>No more writes: the reader drains what is queued, then ends; waiting writers fail. False when already completed.</summary>
    public bool TryComplete()
    {
        bool wake;
        List<RoomWait>? writers;
        lock (this)
        {
            if (_completed)
                return false;
            _completed = true;
            wake = TakeReaderWait(); // a waiting reader has nothing queued: it ends
            writers = _writers;
            _writers = null;
        }
        if (wake)
            _readerWait.SetResult(false);
        if (writers is not null)
        {
            foreach (var writer in writers)
                writer.Closed();
        }
        return true;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _readerWait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _readerWait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _readerWait.OnCompleted(continuation, state, token, flags);

    /// <summary>Under the lock: whether a waiting reader must be woken (it is then no longer waiting).</summary>
    private bool TakeReaderWait()
    {
        if (!_readerWaiting)
            return false;
        _readerWaiting = false;
        return true;
    }

    /// <summary>Under the lock, with room: appends <paramref name="item"/>, growing the ring as the queue fills.</summary>
    private void Enqueue(T item)
    {
        if (_items is null)
            _items = new T[Math.Min(InitialRoom, _capacity)];
        else if (_count == _items.Length)
        {
            var bigger = new T[Math.Min(_items.Length * 2, _capacity)];
            for (var i = 0; i < _count; i++)
                bigger[i] = _items[(_head + i) % _items.Length];
            _items = bigger;
            _head = 0;
        }
        _items[(_head + _count) % _items.Length] = item;
        _count++;
    }

    /// <summary>Under the lock: takes <paramref name="wait"/> out of the writers still waiting; false when it was admitted or closed already.</summary>
    private bool Withdraw(RoomWait wait) => _writers?.Remove(wait) == true;

    /// <summary>A writer waiting for room: its item, its completion and its token's registration.</summary>
    private sealed class RoomWait(SendQueue<T> owner, T item) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
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
                lock (wait.Owner)
                    withdrawn = wait.Owner.Withdraw(wait);
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

        private SendQueue<T> Owner { get; } = owner;
    }
}
