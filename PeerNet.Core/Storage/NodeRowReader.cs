using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace PeerNet.Storage;

/// <summary>
/// Reads explicit addresses by row id, for walks of the <see cref="RingIndex"/>: a few connections of its own, each
/// with the lookup prepared once, so a sample of ten is ten key lookups and no query planning. Thread-safe.
/// </summary>
internal sealed class NodeRowReader(string connectionString) : IDisposable
{
    /// <summary>Connections kept between reads; more concurrent readers open one each and close it after.</summary>
    private const int MaxIdle = 4;

    private readonly ConcurrentQueue<Lookup> _idle = new();
    private bool _disposed;

    /// <summary>The addresses of <paramref name="entries"/>, in their order; a row removed since the walk is left out.</summary>
    public List<RingAddress> Read(List<RingEntry> entries)
    {
        var result = new List<RingAddress>(entries.Count);
        if (entries.Count == 0)
            return result;
        var lookup = _idle.TryDequeue(out var idle) ? idle : new Lookup(connectionString);
        try
        {
            // One read transaction for all of them (each statement alone would be one: a lock round each).
            lookup.Begin();
            foreach (var entry in entries)
            {
                if (lookup.TryRead(entry.Id) is { } address)
                    result.Add(new RingAddress(entry.Ring, address));
            }
            lookup.End();
        }
        catch
        {
            lookup.Dispose();
            throw;
        }
        if (_idle.Count < MaxIdle)
        {
            _idle.Enqueue(lookup);
            if (Volatile.Read(ref _disposed))
                Dispose(); // disposed meanwhile: closes this one too
        }
        else
        {
            lookup.Dispose();
        }
        return result;
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryDequeue(out var lookup))
            lookup.Dispose();
    }

    private sealed class Lookup : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteStatement _byId;
        private readonly SqliteStatement _begin;
        private readonly SqliteStatement _end;

        public Lookup(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            try
            {
                _connection.Open();
                _byId = new SqliteStatement(_connection, "SELECT Address FROM Nodes WHERE Id = ?1");
                _begin = new SqliteStatement(_connection, "BEGIN");
                _end = new SqliteStatement(_connection, "COMMIT");
            }
            catch
            {
                _byId?.Dispose();
                _begin?.Dispose();
                _connection.Dispose();
                throw;
            }
        }

        public void Begin() => _begin.Execute();

        public void End() => _end.Execute();

        public string? TryRead(long id)
        {
            _byId.Bind(1, id);
            if (!_byId.Read())
                return null;
            var address = _byId.Text(0);
            _byId.Reset();
            return address;
        }

        public void Dispose()
        {
            _byId.Dispose();
            _begin.Dispose();
            _end.Dispose();
            _connection.Dispose(); // closing ends a read transaction left open by a failure

        }
    }
}
