using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PeerNet.Storage;

/// <summary>
/// One statement prepared once on a connection and run many times, its parameters bound by position (<c>?1</c>, <c>?2</c>...).
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite binds each parameter by name on every execution (SQLite looks a name up by a linear scan of
/// the statement's names, and the name is converted to UTF-8 each time): for a multi-row insert of hundreds of
/// parameters that lookup cost more than the insert. Bound by position here, nothing is looked up or allocated per
/// value. Runs inside whatever transaction the connection has open. Not thread-safe: one per connection user.
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>Binds parameter <paramref name="index"/> (from 1) to an integer.</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Binds parameter <paramref name="index"/> (from 1) to a text, as UTF-8 without an intermediate array.</summary>
    public void Bind(int index, string value)
    {
        // Addresses are at most PeerAddress.MaxLength characters: the stack holds their UTF-8 (SQLite copies it).
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(value, utf8);
        Check(raw.sqlite3_bind_text(_statement, index, utf8[..length]));
    }

    /// <summary>Runs a statement that returns no rows (or whose rows are not read); returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc is not raw.SQLITE_DONE and not raw.SQLITE_ROW)
                Check(rc);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Steps to the next row; false at the end, after which the statement is reset for its next run.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
            return true;
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
            Check(rc);
        return false;
    }

    /// <summary>Resets a statement whose rows were not all read.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    /// <summary>Column <paramref name="index"/> (from 0) of the current row as an integer.</summary>
    public long Int64(int index) => raw.sqlite3_column_int64(_statement, index);

    /// <summary>Column <paramref name="index"/> (from 0) of the current row as a text.</summary>
    public string Text(int index) => Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, index));

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
            throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc);
    }
}
