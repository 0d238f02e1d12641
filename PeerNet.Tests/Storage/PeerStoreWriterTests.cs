using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Addressing;
using PeerNet.Storage;
using static PeerNet.Tests.Storage.LearnWrites;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Storage;

/// <summary>
/// The store's single writer on a real database, on a fake clock: its linger never times out unless a test moves
/// the clock, so what ends a batch is always the batch size, an explicit write, or shutdown.
/// </summary>
public sealed class PeerStoreWriterTests
{
    private const int BatchSize = 10;
    private const int QueueCapacity = 40;

    /// <summary>A writer over a fresh database; one per test (<c>await using</c>), stopped and deleted with it.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly StoreFile _file = new();
        private readonly Microsoft.Data.Sqlite.SqliteConnection _connection;
        private readonly StoreBatchApplier _applier;
        private readonly List<long> _deltas = []; // the node count's change, one entry per committed batch

        public Harness()
        {
            _connection = _file.Open();
            _applier = new StoreBatchApplier(_connection, LearnWrites.Table, terribleFailures: 3);
            var options = new PeerNetOptions { StoreBatchSize = BatchSize, StoreQueueCapacity = QueueCapacity, StoreFlushInterval = 250 };
            Telemetry = new StandaloneTelemetry(o => o.StoreQueueCapacity = QueueCapacity);
            Writer = new PeerStoreWriter(_applier, options, Time, NullLogger.Instance,
                delta => { lock (_deltas) _deltas.Add(delta); },
                () => AtCommit?.Invoke(), Telemetry.Metrics, Telemetry.Limits.StoreQueue);
        }

        public FakeTimeProvider Time { get; } = new();

        public PeerStoreWriter Writer { get; }

        /// <summary>The writer's meter and store-queue bound, as a node would give it.</summary>
        public StandaloneTelemetry Telemetry { get; }

        /// <summary>Runs on the writer's loop right after each commit, before the batch's callers are told.</summary>
        public Action? AtCommit { get; set; }

        public long[] Deltas()
        {
            lock (_deltas) return [.. _deltas];
        }

        public long Scalar(string sql) => _file.Scalar(sql);

        public long KnownInTheFile() => _file.Scalar("SELECT (SELECT COUNT(*) FROM Nodes) + (SELECT COUNT(*) FROM LearnedNodes)"); // explicit and learned

        public async ValueTask DisposeAsync()
        {
            await Writer.StopAsync(CancellationToken.None);
            _applier.Dispose();
            await _connection.DisposeAsync();
            _file.Dispose();
            Telemetry.Dispose();
        }
    }

    private static PeerAddress[] Addresses(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => PeerAddress.Parse($"ws://{prefix}{i}.example:1/peer")).ToArray();

    [Fact]
    public async Task BackgroundWrites_AreCommittedInBatchesOfTheBatchSize_TheRestLingersForMore()
    {
        await using var h = new Harness();
        // Queued before the writer runs: 25 learned addresses, one write each.
        foreach (var address in Addresses("n", 25))
            Assert.True(h.Writer.TryEnqueue(Learn(address)));
        h.Writer.Start();

        await Wait.UntilAsync(() => h.Deltas().Length >= 2, TestCluster.Patience, "two full batches are committed");
        Assert.Equal([BatchSize, BatchSize], h.Deltas());

        // The last 5 wait for more (the clock never ends the linger): later writes join the same transaction, and
        // an explicit write ends the wait.
        foreach (var address in Addresses("late", 3))
            Assert.True(h.Writer.TryEnqueue(Learn(address)));
        Assert.Equal(0, await h.Writer.WriteAsync(StoreWrite.Flush(), CancellationToken.None));

        Assert.Equal([BatchSize, BatchSize, 5 + 3], h.Deltas());
        Assert.Equal(3, h.Writer.CommittedBatches);
        Assert.Equal(28, h.KnownInTheFile());
    }

    [Fact]
    public async Task TheLinger_EndsWhenTheFlushIntervalHasPassed()
    {
        await using var h = new Harness();
        h.Writer.Start();
        Assert.True(h.Writer.TryEnqueue(Learn(Addresses("n", 3))));

        // Moved in steps: the linger's timer starts once the writer has taken the write.
        await Wait.UntilAsync(() =>
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(250));
            return h.Deltas().Length == 1;
        }, TestCluster.Patience, "the lingering batch is committed once 250 ms have passed");
        Assert.Equal([3L], h.Deltas());
        Assert.Equal(3, h.KnownInTheFile());
    }

    [Fact]
    public async Task AnExplicitSave_CompletesOnlyOnceCommitted_AndSharesTheLingeringBatch()
    {
        await using var h = new Harness();
        h.Writer.Start();
        Assert.True(h.Writer.TryEnqueue(Learn(Addresses("learned", 2)))); // lingers: the clock never moves
        var save = StoreWrite.Save(Addresses("saved", 3));
        bool? completedAtCommit = null;
        h.AtCommit = () => completedAtCommit ??= save.Done!.Task.IsCompleted;

        var added = await h.Writer.WriteAsync(save, CancellationToken.None);

        Assert.Equal(3, added);
        Assert.False(completedAtCommit); // the commit came first, then the caller's task
        Assert.Equal(5, h.KnownInTheFile()); // and another connection sees it as soon as the caller does
        Assert.Equal([5L], h.Deltas()); // one transaction for both
        Assert.Equal(1, await h.Writer.WriteAsync(StoreWrite.Remove(Addresses("saved", 1)), CancellationToken.None));
        Assert.Equal(4, h.KnownInTheFile());
    }

    [Fact]
    public async Task AFullQueue_DropsAndCountsBackgroundWrites_WhileExplicitOnesWaitForRoom()
    {
        await using var h = new Harness();
        using var dropped = h.Telemetry.Services.Collect("peernet.store.writes.dropped");
        using var hits = h.Telemetry.Services.Collect("peernet.limit.hits");
        // The writer is not running yet: nothing leaves the queue.
        var counted = PeerAddress.Parse("ws://counted.example:1/peer");
        for (var i = 0; i < QueueCapacity; i++)
            Assert.True(h.Writer.TryEnqueue(StoreWrite.Stat(counted, StatField.NodesRx, 1)));
        Assert.False(h.Writer.TryEnqueue(StoreWrite.Stat(counted, StatField.NodesRx, 1)));
        Assert.False(h.Writer.TryEnqueue(Learn(Addresses("n", 5))));
        Assert.Equal(2, h.Writer.Dropped);
        Assert.Equal((2, 2), (dropped.Sum(), hits.Sum("limit", "store_queue"))); // each drop on the meter, as a hit of the queue's bound

        var save = h.Writer.WriteAsync(StoreWrite.Save(Addresses("saved", 1)), CancellationToken.None);
        Assert.False(save.IsCompleted); // waiting for room, not dropped

        h.Writer.Start();
        Assert.Equal(1, await save);
        await h.Writer.WriteAsync(StoreWrite.Flush(), CancellationToken.None);
        Assert.Equal(QueueCapacity, h.Scalar($"SELECT NodesRx FROM Stats WHERE Address = '{counted.Value}'"));
        Assert.Equal(1, h.KnownInTheFile()); // the dropped learn never arrived
        Assert.Equal(2, h.Writer.Dropped);
        Assert.Equal(2, dropped.Sum());
    }

    [Fact]
    public async Task Stop_CommitsEverythingQueued_ThenRefusesWrites()
    {
        await using var h = new Harness();
        foreach (var address in Addresses("n", 25))
            Assert.True(h.Writer.TryEnqueue(Learn(address)));
        h.Writer.Start();

        // The last batch would linger for ever on this clock: stopping commits it.
        await h.Writer.StopAsync(CancellationToken.None);

        Assert.Equal(25, h.KnownInTheFile());
        Assert.Equal(25, h.Deltas().Sum());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => h.Writer.WriteAsync(StoreWrite.Save(Addresses("late", 1)), CancellationToken.None));
        Assert.False(h.Writer.TryEnqueue(Learn(Addresses("late", 1))));
        Assert.Equal(1, h.Writer.Dropped);
    }
}
