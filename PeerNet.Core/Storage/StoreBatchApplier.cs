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
    private readonly SqliteCommand _deleteStats;
    private readonly SqliteCommand _insertTombstone;
    private readonly SqliteCommand _touchTombstone;
    private readonly SqliteCommand _upsertStats;
    private readonly SqliteCommand _expireTombstones;
    private readonly Dictionary<long, StatDelta> _pendingStats = [];
    private readonly RingIndex _explicit;
    private readonly ExplicitChanges _explicitChanges = new();
    private readonly SqliteStatement _untomb;
    private readonly SqliteStatement _unlearn;
    private readonly SqliteStatement _deleteNodeById;
    // Multi-row inserts for bulk saves, by row count (at most SaveChunk of them: bounded).
    private readonly Dictionary<int, SqliteStatement> _inserts = [];
    private readonly List<PeerAddress> _fresh = [];
    private long _evicted;
    private long _learnedDelta;
    private long _learnedCount;
    private long _tombstoneCount;
    private long _nextId;

    /// <summary>Addresses in the learned table (new and tried) as of the last commit; the writer's loop is its only writer.</summary>
    public long LearnedCount => Volatile.Read(ref _learnedCount);

    /// <summary>The explicit addresses by ring position, as of the last commit: what samples and pages of them walk.</summary>
    public RingIndex Explicit => _explicit;

    /// <summary>Rows per multi-row insert: per-statement overhead, not per-row work, dominates bulk saves.</summary>
    internal const int SaveChunk = 128;

    /// <summary>
    /// Loads the explicit addresses' index from <paramref name="connection"/> (deleting rows that repeat a ring position,
    /// and those of <paramref name="forget"/>: the node's own addresses) and prepares the batch statements.
    /// </summary>
    public StoreBatchApplier(SqliteConnection connection, AddressTable table, int terribleFailures, IEnumerable<long>? forget = null)
    {
        _connection = connection;
        _table = table;
        _terribleFailures = terribleFailures;
        using (var count = connection.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM LearnedNodes";
            _learnedCount = (long)count.ExecuteScalar()!;
            count.CommandText = "SELECT COUNT(*) FROM Tombstones";
            _tombstoneCount = (long)count.ExecuteScalar()!;
        }
        _deleteNodeById = new SqliteStatement(connection, "DELETE FROM Nodes WHERE Id = ?1");
        _explicit = LoadExplicit(forget ?? []);
        _untomb = new SqliteStatement(connection, "DELETE FROM Tombstones WHERE Ring = ?1");
        _unlearn = new SqliteStatement(connection, "DELETE FROM LearnedNodes WHERE Ring = ?1");
        // OR IGNORE: an address already learned, or a slot another address holds, leaves the row as it is. An explicit
        // address is never learned: Learn checks the explicit index first.
        _insertLearned = Prepare(
            """
            INSERT OR IGNORE INTO LearnedNodes (Ring, Address, AddedAt, Kind, Slot)
            SELECT $ring, $address, $now, 2, $slot
            WHERE NOT EXISTS (SELECT 1 FROM Tombstones WHERE Ring = $ring
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
        var firstId = _nextId;
        using var transaction = _connection.BeginTransaction();
        var committed = false;
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var write = batch[i];
                switch (write.Kind)
                {
                    case StoreWriteKind.Save:
                        var (inserted, lifted) = Save(write.Addresses, nowMs, _tombstoneCount + tombstoneDelta > 0);
                        changed[i] = inserted;
                        tombstoneDelta -= lifted;
                        nodeDelta += inserted;
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
                            changed[i] += RemoveExplicit(address.RingPosition) + unlearned;
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
            committed = true;
        }
        finally
        {
            _pendingStats.Clear();
            if (!committed)
            {
                _nextId = firstId; // rolled back: the ids are free again, and the index never saw them
                _explicitChanges.Clear();
            }
        }
        // The index follows the commit (readers see a row in it only once the row is there to read).
        _explicitChanges.ApplyTo(_explicit);
        Volatile.Write(ref _learnedCount, _learnedCount + _learnedDelta - _evicted);
        _tombstoneCount += tombstoneDelta;
        return (changed, nodeDelta - _evicted, tombstoneDelta);
    }

    /// <summary>
    /// Saves addresses explicitly and lifts their tombstones; returns how many were new and how many tombstones went.
    /// Known ones are told by the index (no lookup in SQL); the new ones are appended with ids of their own.
    /// </summary>
    private (int Inserted, int Lifted) Save(IReadOnlyList<PeerAddress> addresses, long nowMs, bool anyTombstones)
    {
        // With no learned address or no tombstone (a store of explicit saves, as the store bench's) there is nothing to look for.
        var anyLearned = Volatile.Read(ref _learnedCount) + _learnedDelta - _evicted > 0;
        int lifted = 0, moved = 0;
        _fresh.Clear();
        foreach (var address in addresses)
        {
            var ring = address.RingPosition;
            if (anyTombstones)
            {
                _untomb.Bind(1, ring);
                lifted += _untomb.Execute();
            }
            if (IsExplicit(ring, out _))
                continue;
            if (anyLearned)
            {
                // An explicit save of a learned address moves it out of the bounded tables (gossip never evicts it): not new.
                _unlearn.Bind(1, ring);
                moved += _unlearn.Execute();
            }
            _fresh.Add(address);
        }
        _learnedDelta -= moved;
        for (var start = 0; start < _fresh.Count; start += SaveChunk)
            Insert(_fresh, start, Math.Min(SaveChunk, _fresh.Count - start), nowMs);
        return (_fresh.Count - moved, lifted);
    }

    /// <summary>Appends rows for <paramref name="count"/> addresses not known, in one multi-row insert.</summary>
    private void Insert(List<PeerAddress> addresses, int start, int count, long nowMs)
    {
        if (!_inserts.TryGetValue(count, out var insert))
        {
            // ?1 is the time; row r's id, ring and address are ?(3r+2), ?(3r+3), ?(3r+4).
            var rows = string.Join(",", Enumerable.Range(0, count).Select(r => $"(?{3 * r + 2},?{3 * r + 3},?{3 * r + 4},?1)"));
            insert = new SqliteStatement(_connection, $"INSERT INTO Nodes (Id, Ring, Address, AddedAt) VALUES {rows}");
            _inserts[count] = insert;
        }
        insert.Bind(1, nowMs);
        for (var r = 0; r < count; r++)
        {
            var address = addresses[start + r];
            var id = _nextId++;
            insert.Bind(3 * r + 2, id);
            insert.Bind(3 * r + 3, address.RingPosition);
            insert.Bind(3 * r + 4, address.Value);
            _explicitChanges.Added(address.RingPosition, id);
        }
        insert.Execute();
    }

    /// <summary>True when <paramref name="ring"/> is explicit as of this batch so far (its commit pending).</summary>
    private bool IsExplicit(long ring, out long id) => _explicitChanges.TryGetId(ring, _explicit, out id);

    /// <summary>Deletes the explicit row of <paramref name="ring"/>; 1 when there was one.</summary>
    private int RemoveExplicit(long ring)
    {
        if (!IsExplicit(ring, out var id))
            return 0;
        _deleteNodeById.Bind(1, id);
        _deleteNodeById.Execute();
        _explicitChanges.Removed(ring);
        return 1;
    }

    /// <summary>Reads every explicit row's ring and id into the index; deletes rows of a repeated ring and those of <paramref name="forget"/>.</summary>
    private RingIndex LoadExplicit(IEnumerable<long> forget)
    {
        long count;
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT COUNT(*) FROM Nodes";
            count = (long)command.ExecuteScalar()!;
        }
        var rings = new long[count];
        var ids = new long[count];
        var read = 0;
        long maxId = 0;
        using (var scan = new SqliteStatement(_connection, "SELECT Ring, Id FROM Nodes"))
        {
            while (read < count && scan.Read())
            {
                rings[read] = scan.Int64(0);
                ids[read] = scan.Int64(1);
                maxId = Math.Max(maxId, ids[read++]);
            }
            scan.Reset();
        }
        _nextId = maxId + 1;
        var index = RingIndex.Load(rings, ids, read, out var repeated);
        var gone = new List<long>();
        foreach (var ring in forget)
        {
            if (index.TryGetId(ring, out var id))
            {
                repeated.Add(id);
                gone.Add(ring);
            }
        }
        if (repeated.Count > 0)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var id in repeated)
            {
                _deleteNodeById.Bind(1, id);
                _deleteNodeById.Execute();
            }
            transaction.Commit();
            index.RemoveRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(gone));
        }
        return index;
    }

    /// <summary>Deletes tombstones older than the cutoff; returns how many.</summary>
    public int ExpireTombstones(long cutoffMs, long purgedCutoffMs)
    {
        _expireTombstones.Transaction = null;
        _expireTombstones.Parameters[0].Value = cutoffMs;
        _expireTombstones.Parameters[1].Value = purgedCutoffMs;
        var expired = _expireTombstones.ExecuteNonQuery();
        _tombstoneCount -= expired;
        return expired;
    }

    /// <summary>
    /// Stores a learned address in its new-table slot; a terrible holder of the slot gives way. Returns 1 when stored.
    /// </summary>
    private int Learn(PeerAddress address, int slot, SqliteTransaction transaction, long nowMs, long cutoffMs, long purgedCutoffMs)
    {
        if (IsExplicit(address.RingPosition, out _))
            return 0; // saved explicitly: outside the table
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
        foreach (var command in new[] { _setAnchors, _insertLearned, _evictTerrible, _promote, _isNew, _isLearned, _triedHolder, _demote, _deleteLearned, _deleteStats, _insertTombstone, _touchTombstone, _upsertStats, _expireTombstones })
            command.Dispose();
        foreach (var statement in _inserts.Values.Append(_untomb).Append(_unlearn).Append(_deleteNodeById))
            statement.Dispose();
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
