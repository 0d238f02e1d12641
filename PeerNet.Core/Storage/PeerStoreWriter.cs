using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace PeerNet.Storage;

/// <summary>
/// The store's single writer: a bounded queue drained into one transaction per batch.
/// </summary>
/// <remarks>
/// Explicit writes (saves, removes) wait for room and for their commit, and are committed without lingering.
/// Background writes (counters, learned addresses) never wait: on a full queue they are dropped and counted,
/// and the writer lingers up to <see cref="PeerNetOptions.StoreFlushInterval"/> to gather more of them, so
/// gossip traffic becomes a few transactions per second rather than one per message.
/// </remarks>
internal sealed partial class PeerStoreWriter
{
    private readonly Channel<StoreWrite> _queue;
    private readonly StoreBatchApplier _applier;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _batchSize;
    private readonly TimeSpan _linger;
    private readonly TimeSpan _removedTtl;
    private readonly TimeSpan _purgedTtl;
    private readonly Action<long> _onNodeDelta;
    private readonly Action<long>? _onTombstoneDelta;
    private readonly Action _onCommit;
    private readonly List<StoreWrite> _batch = [];
    private readonly PeerNetMetrics? _metrics;
    private readonly LimitBound? _queueBound;
    private long _dropped;
    private long _committed;
    private bool _hasWaiter;
    private long _lastExpiry;
    private Task? _loop;

    public PeerStoreWriter(StoreBatchApplier applier, PeerNetOptions options, TimeProvider time, ILogger logger, Action<long> onNodeDelta, Action onCommit,
        PeerNetMetrics? metrics = null, LimitBound? queueBound = null, Action<long>? onTombstoneDelta = null)
    {
        _onTombstoneDelta = onTombstoneDelta;
        _metrics = metrics;
        _queueBound = queueBound;
        _onCommit = onCommit;
        _applier = applier;
        _time = time;
        _logger = logger;
        _onNodeDelta = onNodeDelta;
        _batchSize = options.StoreBatchSize;
        _linger = TimeSpan.FromMilliseconds(options.StoreFlushInterval);
        _removedTtl = options.RemovedTtl;
        _purgedTtl = options.PurgedTtl;
        _queue = Channel.CreateBounded<StoreWrite>(new BoundedChannelOptions(options.StoreQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Background writes dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Batches committed so far.</summary>
    public long CommittedBatches => Interlocked.Read(ref _committed);

    public void Start()
    {
        ExpireTombstones();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues an explicit write (waiting for room) and waits until it is committed.</summary>
    public async Task<int> WriteAsync(StoreWrite write, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(PeerStore), "The peer store is shut down.");
        }
        return await write.Done!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues a background write; drops and counts it when the queue is full.</summary>
    public bool TryEnqueue(StoreWrite write)
    {
        if (_queue.Writer.TryWrite(write))
        {
            _queueBound?.Observe(_queue.Reader.Count);
            return true;
        }
        var dropped = Interlocked.Increment(ref _dropped);
        _metrics?.StoreWriteDropped();
        _queueBound?.Hit();
        Log.BackgroundWriteDropped(_logger, write.Kind, dropped);
        return false;
    }

    /// <summary>Stops accepting writes and commits everything queued, within the caller's patience.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var failures = 0;
        // No cancellation token: the loop ends when the queue is completed and drained, so nothing queued is lost.
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var weight = Drain(0);
            if (!HasWaiter() && weight < _batchSize && _linger > TimeSpan.Zero)
                weight = await LingerAsync(weight).ConfigureAwait(false);

            if (Commit())
            {
                failures = 0;
            }
            else
            {
                failures++;
                // Back off so a broken disk does not spin; queued explicit writes keep waiting meanwhile.
                var delay = TimeSpan.FromMilliseconds(Math.Min(10_000, 100 * (1 << Math.Min(failures, 7))));
                await Task.Delay(delay, _time).ConfigureAwait(false);
            }
            _batch.Clear();
            _hasWaiter = false;

            if (_time.GetUtcNow().ToUnixTimeMilliseconds() - _lastExpiry > TimeSpan.FromHours(1).TotalMilliseconds)
                ExpireTombstones();
        }
    }

    private async Task<int> LingerAsync(int weight)
    {
        using var lingerCts = new CancellationTokenSource(_linger, _time);
        try
        {
            while (!HasWaiter() && weight < _batchSize && await _queue.Reader.WaitToReadAsync(lingerCts.Token).ConfigureAwait(false))
                weight = Drain(weight);
        }
        catch (OperationCanceledException) when (lingerCts.IsCancellationRequested)
        {
            // Linger time is up: commit what we have.
        }
        return weight;
    }

    private int Drain(int weight)
    {
        // Takes everything already queued (up to the batch size), explicit writes included: under load, many
        // callers' saves share one transaction. Only the linger below waits for more, and never with a caller waiting.
        while (weight < _batchSize && _queue.Reader.TryRead(out var write))
        {
            _batch.Add(write);
            weight += write.Weight;
            _hasWaiter |= write.Done is not null;
        }
        return weight;
    }

    private bool HasWaiter() => _hasWaiter;

    private bool Commit()
    {
        var now = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        try
        {
            var (changed, nodeDelta, tombstoneDelta) = _applier.Apply(_batch, now.ToUnixTimeMilliseconds(),
                (now - _removedTtl).ToUnixTimeMilliseconds(), (now - _purgedTtl).ToUnixTimeMilliseconds());
            _onNodeDelta(nodeDelta);
            if (tombstoneDelta != 0)
                _onTombstoneDelta?.Invoke(tombstoneDelta);
            Volatile.Write(ref _committed, _committed + 1); // the writer loop is its only writer
            _metrics?.StoreBatch(_time.GetElapsedTime(started));
            _onCommit();
            for (var i = 0; i < _batch.Count; i++)
                _batch[i].Done?.TrySetResult(changed[i]);
            Log.BatchCommitted(_logger, _batch.Count, nodeDelta);
            return true;
        }
        catch (Exception ex)
        {
            var background = 0;
            foreach (var write in _batch)
            {
                if (write.Done is null) background++;
                else write.Done.TrySetException(new PeerStoreException("The peer store could not commit the write.", ex));
            }
            Log.BatchFailed(_logger, ex, _batch.Count, background);
            return false;
        }
    }

    private void ExpireTombstones()
    {
        var now = _time.GetUtcNow();
        _lastExpiry = now.ToUnixTimeMilliseconds();
        try
        {
            var expired = _applier.ExpireTombstones((now - _removedTtl).ToUnixTimeMilliseconds(), (now - _purgedTtl).ToUnixTimeMilliseconds());
            if (expired > 0)
            {
                _onTombstoneDelta?.Invoke(-expired);
                Log.TombstonesExpired(_logger, expired);
            }
        }
        catch (Exception ex)
        {
            Log.TombstoneExpiryFailed(_logger, ex);
        }
    }

    private static partial class Log
    {
        // Event ids 100-199 belong to storage. Next free: 108.
        [LoggerMessage(100, LogLevel.Debug, "Store queue full: dropped a background {Kind} write ({Dropped} dropped so far)")]
        public static partial void BackgroundWriteDropped(ILogger logger, StoreWriteKind kind, long dropped);

        [LoggerMessage(101, LogLevel.Trace, "Committed {Writes} store writes (node count {NodeDelta:+#;-#;0})")]
        public static partial void BatchCommitted(ILogger logger, int writes, long nodeDelta);

        [LoggerMessage(102, LogLevel.Error, "Store batch of {Writes} writes failed; {Background} background writes were dropped")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int writes, int background);

        [LoggerMessage(103, LogLevel.Debug, "Expired {Count} tombstones")]
        public static partial void TombstonesExpired(ILogger logger, int count);

        [LoggerMessage(104, LogLevel.Warning, "Expiring tombstones failed")]
        public static partial void TombstoneExpiryFailed(ILogger logger, Exception exception);
    }
}
