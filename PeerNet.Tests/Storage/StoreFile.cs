using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Storage;

/// <summary>A migrated peer database file, for testing the store's writer and batch applier without a <see cref="PeerStore"/>.</summary>
internal sealed class StoreFile : IDisposable
{
    private readonly TempDirectory? _dir;

    public StoreFile()
    {
        _dir = new TempDirectory();
        ConnectionString = $"Data Source={_dir.File("store.db")};Pooling=False";
        using var db = new PeerStoreContext(new DbContextOptionsBuilder<PeerStoreContext>().UseSqlite(ConnectionString).Options);
        db.Database.Migrate();
    }

    private StoreFile(string file) => ConnectionString = $"Data Source={file};Pooling=False";

    public string ConnectionString { get; }

    /// <summary>Plain SQL access to a database file someone else made and cleans up (it is neither migrated nor deleted here).</summary>
    public static StoreFile Existing(string file) => new(file);

    public void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>One value read on a connection of its own: what another reader sees committed.</summary>
    public long Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    public List<string> Column(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
            values.Add(reader.GetString(0));
        return values;
    }

    public void Dispose() => _dir?.Dispose();
}
