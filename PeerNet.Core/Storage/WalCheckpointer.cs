using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace PeerNet.Storage;

/// <summary>
/// Copies the write-ahead log into the database on its own connection after commits, so the writer does not
/// stall on checkpoints in the middle of a batch. The writer's own automatic checkpoint stays on, at a higher
/// threshold, as the bound on the log's size should this loop fall behind.
/// </summary>
internal sealed partial class WalCheckpointer : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly ILogger _logger;
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite, // one pending signal covers any number of commits
        SingleReader = true,
    });
    private readonly Task _loop;

    public WalCheckpointer(string connectionString, ILogger logger)
    {
        _logger = logger;
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Called after a commit: a checkpoint will follow soon.</summary>
    public void Signal() => _signals.Writer.TryWrite(true);

    public async ValueTask DisposeAsync()
    {
        _signals.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        // Leave a clean, empty log behind at shutdown.
        Checkpoint("TRUNCATE");
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        while (await _signals.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _signals.Reader.TryRead(out _);
            Checkpoint("PASSIVE");
        }
    }

    private void Checkpoint(string mode)
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"PRAGMA wal_checkpoint({mode});";
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            Log.CheckpointFailed(_logger, ex, mode);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(107, LogLevel.Debug, "WAL checkpoint ({Mode}) failed; the writer's automatic checkpoint remains")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception, string mode);
    }
}
