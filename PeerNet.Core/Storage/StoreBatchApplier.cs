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
    private readonly SqliteCommand _insertNode;
    private readonly SqliteCommand _insertLearned;
    private readonly SqliteCommand _deleteTombstone;
    private readonly SqliteCommand _deleteNode;
    private readonly SqliteCommand _deleteStats;
    private readonly SqliteCommand _upsertTombstone;
    private readonly SqliteCommand _upsertStats;
    private readonly SqliteCommand _expireTombstones;
    private readonly Dictionary<string, StatDelta> _pendingStats = new(StringComparer.Ordinal);

    public StoreBatchApplier(SqliteConnection connection)
    {
        _connection = connection;
        _insertNode = Prepare(
            "INSERT INTO Nodes (Key, Address, AddedAt) VALUES ($key, $address, $now) ON CONFLICT(Key) DO NOTHING",
            "$key", "$address", "$now");
        _insertLearned = Prepare(
            """
            INSERT INTO Nodes (Key, Address, AddedAt)
            SELECT $key, $address, $now
            WHERE NOT EXISTS (SELECT 1 FROM Tombstones WHERE Key = $key AND RemovedAt > $cutoff)
            ON CONFLICT(Key) DO NOTHING
            """,
            "$key", "$address", "$now", "$cutoff");
        _deleteTombstone = Prepare("DELETE FROM Tombstones WHERE Key = $key", "$key");
        _deleteNode = Prepare("DELETE FROM Nodes WHERE Key = $key", "$key");
        _deleteStats = Prepare("DELETE FROM Stats WHERE Key = $key", "$key");
        _upsertTombstone = Prepare(
            """
            INSERT INTO Tombstones (Key, Address, RemovedAt) VALUES ($key, $address, $now)
            ON CONFLICT(Key) DO UPDATE SET RemovedAt = excluded.RemovedAt
            """,
            "$key", "$address", "$now");
        _upsertStats = Prepare(
            """
            INSERT INTO Stats (Key, Address, ConnectionsOk, ConnectionsFail, NodesRx, NodesTx, LastOkAt, LastFailAt, LastRxAt, LastTxAt)
            VALUES ($key, $address, $ok, $fail, $rx, $tx, $lastOk, $lastFail, $lastRx, $lastTx)
            ON CONFLICT(Key) DO UPDATE SET
                ConnectionsOk = ConnectionsOk + excluded.ConnectionsOk,
                ConnectionsFail = ConnectionsFail + excluded.ConnectionsFail,
                NodesRx = NodesRx + excluded.NodesRx,
                NodesTx = NodesTx + excluded.NodesTx,
                LastOkAt = COALESCE(excluded.LastOkAt, LastOkAt),
                LastFailAt = COALESCE(excluded.LastFailAt, LastFailAt),
                LastRxAt = COALESCE(excluded.LastRxAt, LastRxAt),
                LastTxAt = COALESCE(excluded.LastTxAt, LastTxAt)
            """,
            "$key", "$address", "$ok", "$fail", "$rx", "$tx", "$lastOk", "$lastFail", "$lastRx", "$lastTx");
        _expireTombstones = Prepare("DELETE FROM Tombstones WHERE RemovedAt <= $cutoff", "$cutoff");
    }

    /// <summary>
    /// Applies <paramref name="batch"/> in order within one transaction. Returns rows changed per write
    /// (new addresses for saves, known addresses removed for removes) and the net change of the node count.
    /// </summary>
    public (int[] Changed, long NodeDelta) Apply(IReadOnlyList<StoreWrite> batch, long nowMs, long tombstoneCutoffMs)
    {
        var changed = new int[batch.Count];
        long nodeDelta = 0;
        using var transaction = _connection.BeginTransaction();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var write = batch[i];
                switch (write.Kind)
                {
                    case StoreWriteKind.Save:
                        foreach (var address in write.Addresses)
                        {
                            changed[i] += Execute(_insertNode, transaction, address.Key, address.Value, nowMs);
                            Execute(_deleteTombstone, transaction, address.Key);
                        }
                        nodeDelta += changed[i];
                        break;
                    case StoreWriteKind.Learn:
                        foreach (var address in write.Addresses)
                            changed[i] += Execute(_insertLearned, transaction, address.Key, address.Value, nowMs, tombstoneCutoffMs);
                        nodeDelta += changed[i];
                        break;
                    case StoreWriteKind.Remove:
                        foreach (var address in write.Addresses)
                        {
                            changed[i] += Execute(_deleteNode, transaction, address.Key);
                            Execute(_deleteStats, transaction, address.Key);
                            Execute(_upsertTombstone, transaction, address.Key, address.Value, nowMs);
                            // A counter queued before the remove in this batch must not resurrect the row.
                            _pendingStats.Remove(address.Key);
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
            return (changed, nodeDelta);
        }
        finally
        {
            _pendingStats.Clear();
        }
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
        foreach (var command in new[] { _insertNode, _insertLearned, _deleteTombstone, _deleteNode, _deleteStats, _upsertTombstone, _upsertStats, _expireTombstones })
            command.Dispose();
    }

    private void AddStat(PeerAddress address, StatField field, long amount, long nowMs)
    {
        ref var delta = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_pendingStats, address.Key, out var exists);
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
        foreach (var (key, d) in _pendingStats)
        {
            Execute(_upsertStats, transaction, key, d.Address!, d.Ok, d.Fail, d.Rx, d.Tx,
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
