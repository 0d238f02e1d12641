using PeerNet.Addressing;
using PeerNet.Storage;
using static PeerNet.Tests.Storage.LearnWrites;

namespace PeerNet.Tests.Storage;

/// <summary>One batch of store writes in one transaction: what each write changes, and the node and tombstone counts' net changes.</summary>
public sealed class StoreBatchApplierTests : IDisposable
{
    private const long Now = 1_000_000;
    private readonly StoreFile _file = new();
    private readonly Microsoft.Data.Sqlite.SqliteConnection _connection;
    private readonly StoreBatchApplier _applier;

    public StoreBatchApplierTests()
    {
        _connection = _file.Open();
        _applier = new StoreBatchApplier(_connection, LearnWrites.Table, terribleFailures: 3);
    }

    public void Dispose()
    {
        _applier.Dispose();
        _connection.Dispose();
        _file.Dispose();
    }

    private static PeerAddress A(string name) => PeerAddress.Parse($"ws://{name}.example:1/peer");

    private static PeerAddress[] As(params string[] names) => names.Select(A).ToArray();

    private (int[] Changed, long NodeDelta, long TombstoneDelta) Apply(long now, params StoreWrite[] batch) => _applier.Apply(batch, now, now - 1000, now - 100);

    private List<string> Nodes() => _file.Column("SELECT Address FROM Nodes UNION ALL SELECT Address FROM LearnedNodes ORDER BY Address"); // explicit and learned

    private List<string> Tombstones() => _file.Column("SELECT Address FROM Tombstones ORDER BY Address");

    [Fact]
    public void Apply_ReportsRowsChangedPerWrite_AndTheNetChangeOfTheNodeCount()
    {
        var (changed, delta, tombstones) = Apply(Now,
            StoreWrite.Save(As("a", "b")),
            StoreWrite.Save(As("b", "c")), // b is known by now
            Learn(As("d", "a")),
            StoreWrite.Remove(As("a", "never-known")),
            StoreWrite.Flush());

        Assert.Equal([2, 1, 1, 1, 0], changed);
        Assert.Equal(2 + 1 + 1 - 1, delta);
        Assert.Equal(2, tombstones);
        Assert.Equal([A("b").Value, A("c").Value, A("d").Value], Nodes());
        Assert.Equal([A("a").Value, A("never-known").Value], Tombstones()); // removing leaves a tombstone, known or not
    }

    [Fact]
    public void Save_InSeveralChunks_StoresEveryAddressOnce()
    {
        var many = Enumerable.Range(0, 2 * StoreBatchApplier.SaveChunk + 44).Select(i => A($"n{i}")).ToArray();
        var (changed, delta, _) = Apply(Now, StoreWrite.Save(many));
        Assert.Equal([many.Length], changed);
        Assert.Equal(many.Length, delta);
        (changed, delta, _) = Apply(Now, StoreWrite.Save(many)); // all known now
        Assert.Equal([0], changed);
        Assert.Equal(0, delta);
        Assert.Equal(many.Length, _file.Scalar("SELECT COUNT(*) FROM Nodes"));
    }

    [Fact]
    public void SaveRemoveAndSaveAgain_InOneBatch_LeaveTheLastWord_InTheTableAndTheIndex()
    {
        var (changed, delta, _) = Apply(Now,
            StoreWrite.Save(As("a", "b")),
            StoreWrite.Remove(As("a")),
            StoreWrite.Save(As("a", "c")),
            StoreWrite.Remove(As("b")));

        Assert.Equal([2, 1, 2, 1], changed);
        Assert.Equal(2, delta);
        Assert.Equal([A("a").Value, A("c").Value], Nodes());
        Assert.Equal(2, _applier.Explicit.Count);
        Assert.False(_applier.Explicit.TryGetId(A("b").RingPosition, out _));

        // Removed from before the batch, saved again within it: known afterwards, under its new row.
        Apply(Now, StoreWrite.Remove(As("c")), StoreWrite.Save(As("c")));
        Assert.True(_applier.Explicit.TryGetId(A("c").RingPosition, out var id));
        Assert.Equal(id, _file.Scalar($"SELECT Id FROM Nodes WHERE Address = '{A("c").Value}'"));
        Assert.Equal([0], Apply(Now, StoreWrite.Save(As("a", "c"))).Changed);
    }

    [Fact]
    public void AFailedBatch_LeavesTheIndexAsCommitted_AndItsIdsFree()
    {
        Apply(Now, StoreWrite.Save(As("a")));
        using (var lockout = _file.Open())
        using (var command = lockout.CreateCommand())
        {
            // Another connection holds the write lock: the batch cannot commit and is rolled back.
            command.CommandText = "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE;";
            command.ExecuteNonQuery();
            using var busy = _connection.CreateCommand();
            busy.CommandText = "PRAGMA busy_timeout = 0;";
            busy.ExecuteNonQuery();
            Assert.ThrowsAny<Microsoft.Data.Sqlite.SqliteException>(() => Apply(Now, StoreWrite.Save(As("b", "c"))));
        }

        Assert.Equal(1, _applier.Explicit.Count);
        Assert.False(_applier.Explicit.TryGetId(A("b").RingPosition, out _));
        Assert.Equal([2], Apply(Now, StoreWrite.Save(As("b", "c"))).Changed); // new after all
        Assert.Equal([A("a").Value, A("b").Value, A("c").Value], Nodes());
        Assert.Equal(3, _file.Scalar("SELECT MAX(Id) FROM Nodes")); // the failed batch's ids were handed out again
    }

    [Fact]
    public void Load_ReadsTheIndexFromTheTable_DroppingRepeatedRingsAndForgottenOnes()
    {
        Apply(Now, StoreWrite.Save(As("a", "b", "me")));
        using (var connection = _file.Open())
        using (var command = connection.CreateCommand())
        {
            // No unique constraint in SQL: a repeated ring (which the writer never writes) is dropped at load.
            command.CommandText = $"INSERT INTO Nodes (Id, Ring, Address, AddedAt) VALUES (99, {A("a").RingPosition}, '{A("a").Value}', 1)";
            command.ExecuteNonQuery();
        }

        using var again = new StoreBatchApplier(_connection, LearnWrites.Table, terribleFailures: 3, forget: [A("me").RingPosition]);

        Assert.Equal(2, again.Explicit.Count);
        Assert.Equal([A("a").Value, A("b").Value], Nodes());
        Assert.Equal(1, _file.Scalar($"SELECT COUNT(*) FROM Nodes WHERE Address = '{A("a").Value}'"));
        Assert.Equal([1], again.Apply([StoreWrite.Save(As("c"))], Now, Now - 1000, Now - 100).Changed);
        Assert.Equal(100, _file.Scalar($"SELECT Id FROM Nodes WHERE Address = '{A("c").Value}'")); // one past the largest id
    }

    [Fact]
    public void Learn_SkipsATombstoneNewerThanTheCutoff_SaveLiftsIt()
    {
        Apply(Now, StoreWrite.Remove(As("a", "b")));

        // The cutoff is now - RemovedTtl: a tombstone removed after it still holds.
        Assert.Equal([0], _applier.Apply([Learn(As("a"))], Now + 10, tombstoneCutoffMs: Now - 1, purgedCutoffMs: Now - 1).Changed);
        Assert.Equal([1], _applier.Apply([Learn(As("a"))], Now + 10, tombstoneCutoffMs: Now, purgedCutoffMs: Now).Changed);
        Assert.Equal([A("a").Value], Nodes());

        Assert.Equal([1], Apply(Now + 20, StoreWrite.Save(As("b"))).Changed); // an explicit save ignores and lifts it
        Assert.Equal([A("a").Value, A("b").Value], Nodes());
        Assert.Equal([A("a").Value], Tombstones()); // learning leaves a's tombstone in place
    }

    [Fact]
    public void TombstoneDelta_CountsNewTombstones_NotRefreshedOnes_AndTheOnesASaveLifts()
    {
        Assert.Equal(3, Apply(Now, StoreWrite.Remove(As("a", "b", "c"))).TombstoneDelta);
        Assert.Equal(1, Apply(Now + 10, StoreWrite.Remove(As("a", "d"))).TombstoneDelta); // a's is refreshed, not added
        Assert.Equal(Now + 10, _file.Scalar($"SELECT RemovedAt FROM Tombstones WHERE Address = '{A("a").Value}'"));
        Assert.Equal(-2, Apply(Now + 20, StoreWrite.Save(As("a", "b", "fresh"))).TombstoneDelta);
        Assert.Equal(0, Apply(Now + 30, Learn(As("c"))).TombstoneDelta); // learning leaves tombstones alone
        Assert.Equal(2, _file.Scalar("SELECT COUNT(*) FROM Tombstones"));
    }

    [Fact]
    public void Stats_AddUpWithinAndAcrossBatches_AndARemoveDropsTheCountersQueuedBeforeIt()
    {
        var a = A("a");
        var b = A("b");
        Apply(Now, StoreWrite.Stat(a, StatField.NodesRx, 2), StoreWrite.Stat(a, StatField.NodesRx, 3), StoreWrite.Stat(a, StatField.ConnectionOk, 1));
        Apply(Now + 5, StoreWrite.Stat(a, StatField.NodesRx, 1));
        Assert.Equal(6, _file.Scalar($"SELECT NodesRx FROM Stats WHERE Address = '{a.Value}'"));
        Assert.Equal(1, _file.Scalar($"SELECT ConnectionsOk FROM Stats WHERE Address = '{a.Value}'"));
        Assert.Equal(Now + 5, _file.Scalar($"SELECT LastRxAt FROM Stats WHERE Address = '{a.Value}'"));
        Assert.Equal(Now, _file.Scalar($"SELECT LastOkAt FROM Stats WHERE Address = '{a.Value}'"));

        // In one batch: b's counter, then b's removal, then a counter after it. Only the later one survives.
        Apply(Now + 10, StoreWrite.Stat(b, StatField.ConnectionFail, 4), StoreWrite.Stat(a, StatField.NodesTx, 1), StoreWrite.Remove([a, b]), StoreWrite.Stat(b, StatField.ConnectionFail, 1));
        Assert.Equal(0, _file.Scalar($"SELECT COUNT(*) FROM Stats WHERE Address = '{a.Value}'"));
        Assert.Equal(1, _file.Scalar($"SELECT ConnectionsFail FROM Stats WHERE Address = '{b.Value}'"));
    }

    [Fact]
    public void ExpireTombstones_DeletesThoseRemovedAtOrBeforeTheCutoff()
    {
        Apply(Now, StoreWrite.Remove(As("old")));
        Apply(Now + 1000, StoreWrite.Remove(As("new")));

        Assert.Equal(0, _applier.ExpireTombstones(Now - 1, Now - 1));
        Assert.Equal(1, _applier.ExpireTombstones(Now, Now));
        Assert.Equal([A("new").Value], Tombstones());
    }

    [Fact]
    public void LearnedCount_FollowsLearningMovesRemovesAndEvictions_FromWhatTheFileHeldAtStart()
    {
        Apply(Now, Learn(As("a", "b", "c")));
        Assert.Equal(3, _applier.LearnedCount);
        Apply(Now, StoreWrite.Save(As("a")), StoreWrite.Remove(As("b"))); // a moves to the explicit table, b goes
        Assert.Equal(1, _applier.LearnedCount);
        Assert.Equal(1, _file.Scalar("SELECT COUNT(*) FROM LearnedNodes"));

        // Aliases of one endpoint share a slot and its next few: past them, a terrible holder gives way.
        var aliases = Enumerable.Range(0, AddressTable.SlotProbes + 1).Select(i => PeerAddress.Parse($"ws://10.7.0.1:1000/{i}")).ToArray();
        var slot = LearnWrites.Table.NewSlot(aliases[0], AddressGroup.Of(aliases[0]));
        Apply(Now, StoreWrite.Learn(aliases[..^1], [.. aliases[..^1].Select(_ => slot)]), StoreWrite.Stat(aliases[0], StatField.ConnectionFail, 3));
        Assert.Equal(1 + AddressTable.SlotProbes, _applier.LearnedCount);
        Apply(Now, StoreWrite.Learn([aliases[^1]], [slot])); // evicts the terrible first alias
        Assert.Equal(1 + AddressTable.SlotProbes, _applier.LearnedCount);
        Assert.Equal(1 + AddressTable.SlotProbes, _file.Scalar("SELECT COUNT(*) FROM LearnedNodes"));

        using var reopened = new StoreBatchApplier(_connection, LearnWrites.Table, terribleFailures: 3);
        Assert.Equal(1 + AddressTable.SlotProbes, reopened.LearnedCount);
    }
}
