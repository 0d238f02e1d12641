using Microsoft.Data.Sqlite;
using PeerNet.Addressing;

namespace PeerNet.Storage;

/// <summary>
/// Applies a batch of <see cref="StoreWrite"/>s in one SQLite transaction on the writer's own connection.
/// </summary>
/// <remarks>
/// Hand-written SQL on purpose: EF Core has no upsert, and its change tracker costs far more per row than a
/// prepared statement, which matters for the store's 100k-addresses-per-second target. The schema itself
/// is EF Core's (migrations); this class only issues parameterized statements against it.
/// </remarks>
internal sealed class StoreBatchApplier : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly AddressTable _table;
    private readonly int _terribleFailures;
    private readonly SqliteCommand _insertLearned;
    private readonly SqliteCommand _evictTerrible;
    private readonly SqliteCommand _promote;
    private readonly SqliteCommand _isNew;
    private readonly SqliteCommand _isLearned;
    private readonly SqliteCommand _triedHolder;
    private readonly SqliteCommand _demote;
    private readonly SqliteCommand _deleteLearned;
    private readonly SqliteCommand _setAnchors;
    private readonly SqliteCommand _deleteNode;
    private readonly SqliteCommand _deleteStats;
    private readonly SqliteCommand _insertTombstone;
    private readonly SqliteCommand _touchTombstone;
    private readonly SqliteCommand _upsertStats;
    private readonly SqliteCommand _expireTombstones;
    private readonly Dictionary<long, StatDelta> _pendingStats = [];
    private long _evicted;
    private long _learnedDelta;
    private long _learnedCount;
    // Multi-row statements for bulk saves, by row count (at most SaveChunk of each kind: bounded).
    private readonly Dictionary<int, (SqliteCommand Insert, SqliteCommand Untomb, SqliteCommand Unlearn)> _saveChunks = [];

    /// <summary>Addresses in the learned table (new and tried) as of the last commit; the writer's loop is its only writer.</summary>
    public long LearnedCount => Volatile.Read(ref _learnedCount);

    /// <summary>Rows per multi-row save statement: per-statement overhead, not per-row work, dominates bulk saves.</summary>
    internal const int SaveChunk = 128;

    public StoreBatchApplier(SqliteConnection connection, AddressTable table, int terribleFailures)
    {
        _connection = connection;
        _table = table;
        _terribleFailures = terribleFailures;
        using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM LearnedNodes";
            _learnedCount = (long)count.ExecuteScalar()!;
        }
        // OR IGNORE: an address already learned, or a slot another address holds, leaves the row as it is.
        _insertLearned = Prepare(
            """
            INSERT OR IGNORE INTO LearnedNodes (Ring, Address, AddedAt, Kind, Slot)
            SELECT $ring, $address, $now, 2, $slot
            WHERE NOT EXISTS (SELECT 1 FROM Nodes WHERE Ring = $ring)
                AND NOT EXISTS (SELECT 1 FROM Tombstones WHERE Ring = $ring
                    AND RemovedAt > CASE WHEN Purged THEN $purgedCutoff ELSE $cutoff END)
            """,
            "$ring", "$address", "$now", "$slot", "$cutoff", "$purgedCutoff");
        // A new-table slot's holder gives way only when it is terrible: dialled and failed, never connected. EXISTS on
        // the holder's own Stats row (a key lookup), not IN over all of Stats (a scan per learned address).
        _evictTerrible = Prepare(
            """
            DELETE FROM LearnedNodes WHERE Kind = 2 AND Slot = $slot AND Ring <> $ring
                AND EXISTS (SELECT 1 FROM Stats WHERE Stats.Ring = LearnedNodes.Ring
                    AND ConnectionsOk = 0 AND ConnectionsFail >= $terrible)
            RETURNING Ring
            """,
            "$slot", "$ring", "$terrible");
        _promote = Prepare("UPDATE OR IGNORE LearnedNodes SET Kind = 1, Slot = $slot WHERE Ring = $ring AND Kind = 2", "$slot", "$ring");
        _isNew = Prepare("SELECT 1 FROM LearnedNodes WHERE Ring = $ring AND Kind = 2", "$ring");
        _isLearned = Prepare("SELECT 1 FROM LearnedNodes WHERE Ring = $ring", "$ring");
        _triedHolder = Prepare("SELECT Ring, Address FROM LearnedNodes WHERE Kind = 1 AND Slot = $slot", "$slot");
        _demote = Prepare("UPDATE OR IGNORE LearnedNodes SET Kind = 2, Slot = $slot WHERE Ring = $ring AND Kind = 1", "$slot", "$ring");
        _setAnchors = Prepare(
            $"INSERT INTO Settings (Name, Value) VALUES ('{AnchorCodec.SettingName}', $value) ON CONFLICT(Name) DO UPDATE SET Value = excluded.Value",
            "$value");
        _deleteNode = Prepare("DELETE FROM Nodes WHERE Ring = $ring", "$ring");
        _deleteLearned = Prepare("DELETE FROM LearnedNodes WHERE Ring = $ring", "$ring");
        _deleteStats = Prepare("DELETE FROM Stats WHERE Ring = $ring", "$ring");
        // Insert, else refresh: two statements rather than one upsert, so the tombstone count knows which it was.
        _insertTombstone = Prepare(
            "INSERT INTO Tombstones (Ring, Address, RemovedAt, Purged) VALUES ($ring, $address, $now, $purged) ON CONFLICT(Ring) DO NOTHING",
            "$ring", "$address", "$now", "$purged");
        _touchTombstone = Prepare("UPDATE Tombstones SET RemovedAt = $now, Purged = $purged WHERE Ring = $ring", "$now", "$purged", "$ring");
        // FailingSince: the first failure after the last success. Within a batch, what came last decides: a success
        // clears it; a failure after a success in the batch starts it again; failures alone keep the first one.
        _upsertStats = Prepare(
            """
            INSERT INTO Stats (Ring, Address, ConnectionsOk, ConnectionsFail, NodesRx, NodesTx, LastOkAt, LastFailAt, LastRxAt, LastTxAt, FailingSince)
            VALUES ($ring, $address, $ok, $fail, $rx, $tx, $lastOk, $lastFail, $lastRx, $lastTx,
                CASE WHEN $failedLast THEN $lastFail END)
            ON CONFLICT(Ring) DO UPDATE SET
                ConnectionsOk = ConnectionsOk + excluded.ConnectionsOk,
                ConnectionsFail = ConnectionsFail + excluded.ConnectionsFail,
                NodesRx = NodesRx + excluded.NodesRx,
                NodesTx = NodesTx + excluded.NodesTx,
                LastOkAt = COALESCE(excluded.LastOkAt, LastOkAt),
                LastFailAt = COALESCE(excluded.LastFailAt, LastFailAt),
                LastRxAt = COALESCE(excluded.LastRxAt, LastRxAt),
                LastTxAt = COALESCE(excluded.LastTxAt, LastTxAt),
                FailingSince = CASE
                    WHEN $failedLast AND excluded.ConnectionsOk > 0 THEN excluded.LastFailAt
                    WHEN $failedLast THEN COALESCE(FailingSince, excluded.LastFailAt)
                    WHEN excluded.ConnectionsOk > 0 THEN NULL
                    ELSE FailingSince END
            """,
            "$ring", "$address", "$ok", "$fail", "$rx", "$tx", "$lastOk", "$lastFail", "$lastRx", "$lastTx", "$failedLast");
        _expireTombstones = Prepare(
            "DELETE FROM Tombstones WHERE RemovedAt <= CASE WHEN Purged THEN $purgedCutoff ELSE $cutoff END",
            "$cutoff", "$purgedCutoff");
    }

    /// <summary>
    /// Applies <paramref name="batch"/> in order within one transaction. Returns rows changed per write
    /// (new addresses for saves, known addresses removed for removes), the net change of the node count and that of
    /// the tombstone count (removes add them, explicit saves lift them).
    /// </summary>
    public (int[] Changed, long NodeDelta, long TombstoneDelta) Apply(
        IReadOnlyList<StoreWrite> batch, long nowMs, long tombstoneCutoffMs, long purgedCutoffMs)
    {
        var changed = new int[batch.Count];
        long nodeDelta = 0, tombstoneDelta = 0;
        _evicted = 0;
        _learnedDelta = 0;
        using var transaction = _connection.BeginTransaction();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var write = batch[i];
                switch (write.Kind)
                {
                    case StoreWriteKind.Save:
                        for (var start = 0; start < write.Addresses.Count; start += SaveChunk)
                        {
                            var (inserted, lifted) = SaveChunkOf(write.Addresses, start, Math.Min(SaveChunk, write.Addresses.Count - start), transaction, nowMs);
                            changed[i] += inserted;
                            tombstoneDelta -= lifted;
                        }
                        nodeDelta += changed[i];
                        break;
                    case StoreWriteKind.Learn:
                        for (var a = 0; a < write.Addresses.Count; a++)
                            changed[i] += Learn(write.Addresses[a], write.Slots![a], transaction, nowMs, tombstoneCutoffMs, purgedCutoffMs);
                        nodeDelta += changed[i];
                        _learnedDelta += changed[i];
                        break;
                    case StoreWriteKind.Remove:
                    case StoreWriteKind.Purge:
                        var purged = write.Kind == StoreWriteKind.Purge;
                        foreach (var address in write.Addresses)
                        {
                            var unlearned = Execute(_deleteLearned, transaction, address.RingPosition);
                            _learnedDelta -= unlearned;
                            changed[i] += Execute(_deleteNode, transaction, address.RingPosition) + unlearned;
                            Execute(_deleteStats, transaction, address.RingPosition);
                            if (Execute(_insertTombstone, transaction, address.RingPosition, address.Value, nowMs, purged) == 1)
                                tombstoneDelta++;
                            else
                                Execute(_touchTombstone, transaction, nowMs, purged, address.RingPosition);
                            // A counter queued before the remove in this batch must not resurrect the row.
                            _pendingStats.Remove(address.RingPosition);
                        }
                        nodeDelta -= changed[i];
                        break;
                    case StoreWriteKind.Stat:
                        AddStat(write.Addresses[0], write.Field, write.Amount, nowMs);
                        break;
                    case StoreWriteKind.Anchors:
                        Execute(_setAnchors, transaction, AnchorCodec.Encode(write.Addresses));
                        break;
                }
            }

            FlushStats(transaction);
            transaction.Commit();
            Volatile.Write(ref _learnedCount, _learnedCount + _learnedDelta - _evicted);
            return (changed, nodeDelta - _evicted, tombstoneDelta);
        }
        finally
        {
            _pendingStats.Clear();
        }
    }

    /// <summary>Saves one chunk and lifts its tombstones; returns how many addresses were new and how many tombstones went.</summary>
    private (int Inserted, int Lifted) SaveChunkOf(IReadOnlyList<PeerAddress> addresses, int start, int count, SqliteTransaction transaction, long nowMs)
    {
        if (!_saveChunks.TryGetValue(count, out var commands))
        {
            var rows = string.Join(",", Enumerable.Range(0, count).Select(r => $"($k{r},$a{r},$now)"));
            var keys = string.Join(",", Enumerable.Range(0, count).Select(r => $"$k{r}"));
            var insertParameters = Enumerable.Range(0, count).SelectMany(r => new[] { $"$k{r}", $"$a{r}" }).Append("$now").ToArray();
            var keyParameters = Enumerable.Range(0, count).Select(r => $"$k{r}").ToArray();
            commands = (
                Prepare($"INSERT INTO Nodes (Ring, Address, AddedAt) VALUES {rows} ON CONFLICT(Ring) DO NOTHING", insertParameters),
                Prepare($"DELETE FROM Tombstones WHERE Ring IN ({keys})", keyParameters),
                // An explicit save of a learned address moves it out of the bounded tables: gossip never evicts it.
                Prepare($"DELETE FROM LearnedNodes WHERE Ring IN ({keys})", keyParameters));
            _saveChunks[count] = commands;
        }

        var (insert, untomb, unlearn) = commands;
        insert.Transaction = transaction;
        untomb.Transaction = transaction;
        unlearn.Transaction = transaction;
        for (var r = 0; r < count; r++)
        {
            var address = addresses[start + r];
            insert.Parameters[2 * r].Value = address.RingPosition;
            insert.Parameters[2 * r + 1].Value = address.Value;
            untomb.Parameters[r].Value = address.RingPosition;
            unlearn.Parameters[r].Value = address.RingPosition;
        }
        insert.Parameters[2 * count].Value = nowMs;
        // Learned ones move: inserted here but known before, so not new. With no learned address (a store of explicit
        // saves, as the store bench's) there is nothing to look for.
        var moved = Volatile.Read(ref _learnedCount) + _learnedDelta - _evicted > 0 ? unlearn.ExecuteNonQuery() : 0;
        _learnedDelta -= moved;
        var inserted = insert.ExecuteNonQuery() - moved;
        return (inserted, untomb.ExecuteNonQuery());
    }

    /// <summary>Deletes tombstones older than the cutoff; returns how many.</summary>
    public int ExpireTombstones(long cutoffMs, long purgedCutoffMs)
    {
        _expireTombstones.Transaction = null;
        _expireTombstones.Parameters[0].Value = cutoffMs;
        _expireTombstones.Parameters[1].Value = purgedCutoffMs;
        return _expireTombstones.ExecuteNonQuery();
    }

    /// <summary>
    /// Stores a learned address in its new-table slot; a terrible holder of the slot gives way. Returns 1 when stored.
    /// </summary>
    private int Learn(PeerAddress address, int slot, SqliteTransaction transaction, long nowMs, long cutoffMs, long purgedCutoffMs)
    {
        if (Execute(_insertLearned, transaction, address.RingPosition, address.Value, nowMs, slot, cutoffMs, purgedCutoffMs) == 1)
            return 1;
        _isLearned.Transaction = transaction;
        _isLearned.Parameters[0].Value = address.RingPosition;
        if (_isLearned.ExecuteScalar() is not null)
            return 0; // known already: the common case of an address learned again
        // The slot is taken (or the address is tombstoned or saved): the next few positions of the same bucket, so two
        // honest addresses whose endpoints hash alike both fit. The bucket stays the bound.
        var bucket = AddressTable.BucketOf(slot) * AddressTable.BucketSize;
        for (var probe = 1; probe < AddressTable.SlotProbes; probe++)
        {
            var next = bucket + (slot - bucket + probe) % AddressTable.BucketSize;
            if (Execute(_insertLearned, transaction, address.RingPosition, address.Value, nowMs, next, cutoffMs, purgedCutoffMs) == 1)
                return 1;
        }
        if (!EvictTerrible(slot, address.RingPosition, transaction))
            return 0;
        return Execute(_insertLearned, transaction, address.RingPosition, address.Value, nowMs, slot, cutoffMs, purgedCutoffMs);
    }

    private bool EvictTerrible(int slot, long ring, SqliteTransaction transaction)
    {
        _evictTerrible.Transaction = transaction;
        _evictTerrible.Parameters[0].Value = slot;
        _evictTerrible.Parameters[1].Value = ring;
        _evictTerrible.Parameters[2].Value = _terribleFailures;
        if (_evictTerrible.ExecuteScalar() is not long evicted)
            return false;
        Execute(_deleteStats, transaction, evicted);
        _evicted++;
        return true;
    }

    /// <summary>
    /// Moves a new-table address that was connected to into its tried-table slot; the slot's holder goes back to the new
    /// table (as if it had taught itself), or is dropped when that slot is taken too.
    /// </summary>
    private void Promote(PeerAddress address, SqliteTransaction transaction)
    {
        var slot = _table.TriedSlot(address);
        if (Execute(_promote, transaction, slot, address.RingPosition) == 1)
            return;
        _isNew.Transaction = transaction;
        _isNew.Parameters[0].Value = address.RingPosition;
        if (_isNew.ExecuteScalar() is null)
            return; // explicit, already tried, or not known: nothing to move
        _triedHolder.Transaction = transaction;
        _triedHolder.Parameters[0].Value = slot;
        long holderRing;
        string holderAddress;
        using (var reader = _triedHolder.ExecuteReader())
        {
            if (!reader.Read())
                return;
            holderRing = reader.GetInt64(0);
            holderAddress = reader.GetString(1);
        }
        var holder = PeerAddress.TryParse(holderAddress, out var parsed, out _) ? parsed : null;
        var back = holder is null ? -1 : _table.NewSlot(holder, AddressGroup.Of(holder));
        if (back < 0 || Execute(_demote, transaction, back, holderRing) == 0)
        {
            Execute(_deleteLearned, transaction, holderRing);
            Execute(_deleteStats, transaction, holderRing); // learned again later, it must not start out terrible
            _pendingStats.Remove(holderRing);
            _evicted++;
        }
        Execute(_promote, transaction, slot, address.RingPosition);
    }

    public void Dispose()
    {
        foreach (var command in new[] { _setAnchors, _insertLearned, _evictTerrible, _promote, _isNew, _isLearned, _triedHolder, _demote, _deleteLearned, _deleteNode, _deleteStats, _insertTombstone, _touchTombstone, _upsertStats, _expireTombstones })
            command.Dispose();
        foreach (var (insert, untomb, unlearn) in _saveChunks.Values)
        {
            insert.Dispose();
            untomb.Dispose();
            unlearn.Dispose();
        }
    }

    private void AddStat(PeerAddress address, StatField field, long amount, long nowMs)
    {
        ref var delta = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pendingStats, address.RingPosition, out var exists);
        if (!exists)
            delta.Address = address;
        switch (field)
        {
            case StatField.ConnectionOk: delta.Ok += amount; delta.LastOk = nowMs; delta.FailedLast = false; break;
            case StatField.ConnectionFail: delta.Fail += amount; delta.LastFail = nowMs; delta.FailedLast = true; break;
            case StatField.NodesRx: delta.Rx += amount; delta.LastRx = nowMs; break;
            case StatField.NodesTx: delta.Tx += amount; delta.LastTx = nowMs; break;
        }
    }

    private void FlushStats(SqliteTransaction transaction)
    {
        foreach (var (ring, d) in _pendingStats)
        {
            Execute(_upsertStats, transaction, ring, d.Address!.Value, d.Ok, d.Fail, d.Rx, d.Tx,
                (object?)d.LastOk ?? DBNull.Value, (object?)d.LastFail ?? DBNull.Value,
                (object?)d.LastRx ?? DBNull.Value, (object?)d.LastTx ?? DBNull.Value, d.FailedLast);
            if (d.Ok > 0)
                Promote(d.Address, transaction);
        }
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        return command;
    }

    private static int Execute(SqliteCommand command, SqliteTransaction transaction, params object[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i];
        return command.ExecuteNonQuery();
    }

    private struct StatDelta
    {
        public PeerAddress? Address;
        public long Ok, Fail, Rx, Tx;
        public long? LastOk, LastFail, LastRx, LastTx;
        public bool FailedLast;
    }
}
