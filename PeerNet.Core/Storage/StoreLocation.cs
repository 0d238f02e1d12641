using Microsoft.Data.Sqlite;

namespace PeerNet.Storage;

/// <summary>
/// Where the SQLite database lives: <c>ConnectionStrings:PeerNet</c>, or <c>data/peernet.db</c> under the
/// host's content root. A relative file name is taken relative to the content root, not to the current
/// directory, so a node finds its database wherever it is started from.
/// </summary>
public sealed class StoreLocation
{
    /// <summary>The name of the connection string PeerNet reads.</summary>
    public const string ConnectionStringName = "PeerNet";

    /// <summary>Resolves <paramref name="connectionString"/> (null for the default) against <paramref name="baseDirectory"/>.</summary>
    public StoreLocation(string? connectionString, string baseDirectory)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(connectionString) ? "Data Source=" + Path.Combine("data", "peernet.db") : connectionString);

        var source = builder.DataSource;
        IsInMemory = builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(source) || source == ":memory:";
        if (!IsInMemory && !source.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(source))
            builder.DataSource = Path.GetFullPath(Path.Combine(baseDirectory, source));

        // Shared cache would serialize readers behind the writer; pooling keeps reads cheap.
        builder.Pooling = true;
        ConnectionString = builder.ToString();
        FilePath = IsInMemory || builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? null : builder.DataSource;
    }

    /// <summary>The resolved connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The database file, when it is a plain file.</summary>
    public string? FilePath { get; }

    /// <summary>True for an in-memory database (tests).</summary>
    public bool IsInMemory { get; }

    /// <summary>Where the database is, for logs.</summary>
    public string DisplayName => FilePath ?? ConnectionString;

    /// <summary>Creates the database file's folder if it does not exist.</summary>
    public void EnsureDirectory()
    {
        if (FilePath is not null && Path.GetDirectoryName(FilePath) is { Length: > 0 } folder)
            Directory.CreateDirectory(folder);
    }
}
