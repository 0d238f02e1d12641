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
    private readonly SqliteCommand _insertLearned;
    private readonly SqliteCommand _deleteNode;
    private readonly SqliteCommand _deleteStats;
    private readonly SqliteCommand _insertTombstone;
    private readonly SqliteCommand _touchTombstone;
    private readonly SqliteCommand _upsertStats;
    private readonly SqliteCommand _expireTombstones;
    private readonly Dictionary<long, StatDelta> _pendingStats = [];
    // Multi-row statements for bulk saves, by row count (at most SaveChunk of each kind: bounded).
    private readonly Dictionary<int, (SqliteCommand Insert, SqliteCommand Untomb)> _saveChunks = [];

    /// <summary>Rows per multi-row save statement: per-statement overhead, not per-row work, dominates bulk saves.</summary>
    internal const int SaveChunk = 128;

    public StoreBatchApplier(SqliteConnection connection)
    {
        _connection = connection;
        _insertLearned = Prepare(
            """
            INSERT INTO Nodes (Ring, Address, AddedAt)
            SELECT $ring, $address, $now
            WHERE NOT EXISTS (SELECT 1 FROM Tombstones WHERE Ring = $ring AND RemovedAt > $cutoff)
            ON CONFLICT(Ring) DO NOTHING
            """,
            "$ring", "$address", "$now", "$cutoff");
        _deleteNode = Prepare("DELETE FROM Nodes WHERE Ring = $ring", "$ring");
        _deleteStats = Prepare("DELETE FROM Stats WHERE Ring = $ring", "$ring");
        // Insert, else refresh: two statements rather than one upsert, so the tombstone count knows which it was.
        _insertTombstone = Prepare(
            "INSERT INTO Tombstones (Ring, Address, RemovedAt) VALUES ($ring, $address, $now) ON CONFLICT(Ring) DO NOTHING",
            "$ring", "$address", "$now");
        _touchTombstone = Prepare("UPDATE Tombstones SET RemovedAt = $now WHERE Ring = $ring", "$now", "$ring");
        _upsertStats = Prepare(
            """
            INSERT INTO Stats (Ring, Address, ConnectionsOk, ConnectionsFail, NodesRx, NodesTx, LastOkAt, LastFailAt, LastRxAt, LastTxAt)
            VALUES ($ring, $address, $ok, $fail, $rx, $tx, $lastOk, $lastFail, $lastRx, $lastTx)
            ON CONFLICT(Ring) DO UPDATE SET
                ConnectionsOk = ConnectionsOk + excluded.ConnectionsOk,
                ConnectionsFail = ConnectionsFail + excluded.ConnectionsFail,
                NodesRx = NodesRx + excluded.NodesRx,
                NodesTx = NodesTx + excluded.NodesTx,
                LastOkAt = COALESCE(excluded.LastOkAt, LastOkAt),
                LastFailAt = COALESCE(excluded.LastFailAt, LastFailAt),
                LastRxAt = COALESCE(excluded.LastRxAt, LastRxAt),
                LastTxAt = COALESCE(excluded.LastTxAt, LastTxAt)
            """,
            "$ring", "$address", "$ok", "$fail", "$rx", "$tx", "$lastOk", "$lastFail", "$lastRx", "$lastTx");
        _expireTombstones = Prepare("DELETE FROM Tombstones WHERE RemovedAt <= $cutoff", "$cutoff");
    }

    /// <summary>
    /// Applies <paramref name="batch"/> in order within one transaction. Returns rows changed per write
    /// (new addresses for saves, known addresses removed for removes), the net change of the node count and that of
    /// the tombstone count (removes add them, explicit saves lift them).
    /// </summary>
    public (int[] Changed, long NodeDelta, long TombstoneDelta) Apply(IReadOnlyList<StoreWrite> batch, long nowMs, long tombstoneCutoffMs)
    {
        var changed = new int[batch.Count];
        long nodeDelta = 0, tombstoneDelta = 0;
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
                        foreach (var address in write.Addresses)
                            changed[i] += Execute(_insertLearned, transaction, address.RingPosition, address.Value, nowMs, tombstoneCutoffMs);
                        nodeDelta += changed[i];
                        break;
                    case StoreWriteKind.Remove:
                        foreach (var address in write.Addresses)
                        {
                            changed[i] += Execute(_deleteNode, transaction, address.RingPosition);
                            Execute(_deleteStats, transaction, address.RingPosition);
                            if (Execute(_insertTombstone, transaction, address.RingPosition, address.Value, nowMs) == 1)
                                tombstoneDelta++;
                            else
                                Execute(_touchTombstone, transaction, nowMs, address.RingPosition);
                            // A counter queued before the remove in this batch must not resurrect the row.
                            _pendingStats.Remove(address.RingPosition);
                        }
                        nodeDelta -= changed[i];
                        break;
                    case StoreWriteKind.Stat:
                        AddStat(write.Addresses[0], write.Field, write.Amount, nowMs);
                        break;
                }
            }

            FlushStats(transaction);
            transaction.Commit();
            return (changed, nodeDelta, tombstoneDelta);
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
            commands = (
                Prepare($"INSERT INTO Nodes (Ring, Address, AddedAt) VALUES {rows} ON CONFLICT(Ring) DO NOTHING", insertParameters),
                Prepare($"DELETE FROM Tombstones WHERE Ring IN ({keys})", Enumerable.Range(0, count).Select(r => $"$k{r}").ToArray()));
            _saveChunks[count] = commands;
        }

        var (insert, untomb) = commands;
        insert.Transaction = transaction;
        untomb.Transaction = transaction;
        for (var r = 0; r < count; r++)
        {
            var address = addresses[start + r];
            insert.Parameters[2 * r].Value = address.RingPosition;
            insert.Parameters[2 * r + 1].Value = address.Value;
            untomb.Parameters[r].Value = address.RingPosition;
        }
        insert.Parameters[2 * count].Value = nowMs;
        var inserted = insert.ExecuteNonQuery();
        return (inserted, untomb.ExecuteNonQuery());
    }

    /// <summary>Deletes tombstones older than the cutoff; returns how many.</summary>
    public int ExpireTombstones(long cutoffMs)
    {
        _expireTombstones.Transaction = null;
        _expireTombstones.Parameters[0].Value = cutoffMs;
        return _expireTombstones.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in new[] { _insertLearned, _deleteNode, _deleteStats, _insertTombstone, _touchTombstone, _upsertStats, _expireTombstones })
            command.Dispose();
        foreach (var (insert, untomb) in _saveChunks.Values)
        {
            insert.Dispose();
            untomb.Dispose();
        }
    }

    private void AddStat(PeerAddress address, StatField field, long amount, long nowMs)
    {
        ref var delta = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pendingStats, address.RingPosition, out var exists);
        if (!exists)
            delta.Address = address.Value;
        switch (field)
        {
            case StatField.ConnectionOk: delta.Ok += amount; delta.LastOk = nowMs; break;
            case StatField.ConnectionFail: delta.Fail += amount; delta.LastFail = nowMs; break;
            case StatField.NodesRx: delta.Rx += amount; delta.LastRx = nowMs; break;
            case StatField.NodesTx: delta.Tx += amount; delta.LastTx = nowMs; break;
        }
    }

    private void FlushStats(SqliteTransaction transaction)
    {
        foreach (var (ring, d) in _pendingStats)
        {
            Execute(_upsertStats, transaction, ring, d.Address!, d.Ok, d.Fail, d.Rx, d.Tx,
                (object?)d.LastOk ?? DBNull.Value, (object?)d.LastFail ?? DBNull.Value,
                (object?)d.LastRx ?? DBNull.Value, (object?)d.LastTx ?? DBNull.Value);
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
        public string? Address;
        public long Ok, Fail, Rx, Tx;
        public long? LastOk, LastFail, LastRx, LastTx;
    }
}
