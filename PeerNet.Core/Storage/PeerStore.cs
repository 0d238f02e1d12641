using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;

namespace PeerNet.Storage;

/// <summary>
/// The peer database: known addresses on a hash ring, tombstones of removed ones, and per-address counters.
/// Reads use short-lived pooled EF Core contexts; all writes go through one batched writer.
/// </summary>
public sealed partial class PeerStore : IAsyncDisposable
{
    /// <summary>Most addresses one page of <see cref="ListAsync"/> returns.</summary>
    public const int MaxPageSize = 1000;

    // Recently verified: a successful outbound connection since the given time. Whether the address is still known is
    // checked as rows stream (explicit ones are in memory, not in an SQL index), so these read on until enough pass.
    private static readonly Func<PeerStoreContext, long, long, IAsyncEnumerable<VerifiedRow>> VerifiedFrom =
        EF.CompileAsyncQuery((PeerStoreContext db, long from, long since) =>
            db.Stats.AsNoTracking()
                .Where(s => s.Ring >= from && s.LastOkAt >= since)
                .OrderBy(s => s.Ring)
                .Select(s => new VerifiedRow(s.Ring, s.Address, db.LearnedNodes.Any(n => n.Ring == s.Ring))));

    private static readonly Func<PeerStoreContext, long, long, IAsyncEnumerable<VerifiedRow>> VerifiedBefore =
        EF.CompileAsyncQuery((PeerStoreContext db, long before, long since) =>
            db.Stats.AsNoTracking()
                .Where(s => s.Ring < before && s.LastOkAt >= since)
                .OrderBy(s => s.Ring)
                .Select(s => new VerifiedRow(s.Ring, s.Address, db.LearnedNodes.Any(n => n.Ring == s.Ring))));

    private readonly PeerNetMetrics _metrics;
    private readonly PeerNetLimits _limits;
    private readonly IDbContextFactory<PeerStoreContext> _contexts;
    private readonly PeerNetOptions _options;
    private readonly StoreLocation _location;
    private readonly TimeProvider _time;
    private readonly RandomSource _random;
    private readonly ILogger<PeerStore> _logger;
    private readonly HashSet<long> _ownRings;
    private SqliteConnection? _writerConnection;
    private StoreBatchApplier? _applier;
    private NodeRowReader? _rows;
    private PeerStoreWriter? _writer;
    private WalCheckpointer? _checkpointer;
    private Lazy<Task>? _stop;
    private AddressTable? _table;
    private long _count;
    private long _tombstones;

    /// <summary>Creates the store; call <see cref="StartAsync"/> before use (the PeerNet hosted service does).</summary>
    public PeerStore(
        IDbContextFactory<PeerStoreContext> contexts,
        IOptions<PeerNetOptions> options,
        StoreLocation location,
        TimeProvider time,
        RandomSource random,
        NodeIdentity identity,
        PeerNetMetrics metrics,
        PeerNetLimits limits,
        ILogger<PeerStore> logger)
    {
        _metrics = metrics;
        _limits = limits;
        metrics.ObserveGauge("peernet.store.addresses", "{address}", "Addresses the store knows.", () => Count);
        metrics.ObserveGauge("peernet.store.tombstones", "{address}", "Removed addresses node exchange will not learn again yet (tombstones).", () => RemovedCount);
        _contexts = contexts;
        _options = options.Value;
        _location = location;
        _time = time;
        _random = random;
        _logger = logger;
        _ownRings = identity.Advertised.Select(a => a.RingPosition).ToHashSet();
    }

    /// <summary>True once the database is migrated and the writer runs.</summary>
    public bool IsReady { get; private set; }

    /// <summary>Number of known addresses.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>
    /// Number of tombstones: removed addresses node exchange will not learn again (expired ones are deleted at start
    /// and hourly, so for up to an hour this also counts some whose <see cref="PeerNetOptions.RemovedTtl"/> has passed).
    /// </summary>
    public long RemovedCount => Interlocked.Read(ref _tombstones);

    /// <summary>Background writes (counters, learned addresses) dropped because the write queue was full.</summary>
    public long DroppedWrites => _writer?.Dropped ?? 0;

    /// <summary>Transactions the writer has committed (tests check batching with it).</summary>
    internal long CommittedBatches => _writer?.CommittedBatches ?? 0;

    /// <summary>Creates the database folder, applies migrations, enables WAL and starts the writer.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
            return;
        _location.EnsureDirectory();

        await using (var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            if (!_location.IsInMemory)
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            // The node's own addresses are never known, even if an older configuration stored them (explicit ones: the
            // applier's load below).
            foreach (var ring in _ownRings)
                await db.LearnedNodes.Where(n => n.Ring == ring).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            _tombstones = await db.Tombstones.LongCountAsync(cancellationToken).ConfigureAwait(false);
        }

        _writerConnection = new SqliteConnection(_location.ConnectionString);
        await _writerConnection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var pragma = _writerConnection.CreateCommand())
        {
            // WAL + NORMAL: a commit survives a process crash; only an OS crash can lose the last commits.
            // A larger page cache for the writer: random keys touch pages all over the ring. Checkpoints run on
            // the checkpointer's connection; the writer's own (at 64 MiB of log) only bounds the log's size. The busy
            // timeout is for the batch's raw statements (SqliteStatement), which Microsoft.Data.Sqlite does not retry.
            pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384; PRAGMA busy_timeout=30000;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        _table = new AddressTable(await LoadTableKeyAsync(cancellationToken).ConfigureAwait(false));
        _applier = new StoreBatchApplier(_writerConnection, _table, _options.PurgeMinFailures, _ownRings);
        _count = _applier.Explicit.Count + _applier.LearnedCount;
        _rows = new NodeRowReader(_location.ConnectionString);
        var checkpointer = _location.IsInMemory ? null : new WalCheckpointer(_location.ConnectionString, _logger);
        _checkpointer = checkpointer;
        _writer = new PeerStoreWriter(_applier, _options, _time, _logger,
            delta => Interlocked.Add(ref _count, delta), () => checkpointer?.Signal(), _metrics, _limits.StoreQueue,
            delta => Interlocked.Add(ref _tombstones, delta));
        _writer.Start();
        IsReady = true;
        Log.StoreOpened(_logger, _location.DisplayName, _count);
    }

    /// <summary>Commits everything queued and closes the writer. Safe to call more than once, also concurrently.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        IsReady = false;
        if (_writer is null)
            return Task.CompletedTask;
        // The first caller runs the shutdown; later callers (a host stopping twice, then DisposeAsync) wait for it.
        var stop = new Lazy<Task>(CloseAsync);
        return (Interlocked.CompareExchange(ref _stop, stop, null) ?? stop).Value.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Saves addresses explicitly (lifting any tombstone) and returns once committed.
    /// Returns how many were not known before. The node's own advertised addresses are skipped.
    /// </summary>
    public Task<int> SaveAsync(IEnumerable<PeerAddress> addresses, CancellationToken cancellationToken = default)
    {
        var list = Distinct(addresses, skipOwn: true);
        // Ring order: the inserts walk the ring index from one end to the other instead of hopping around it.
        list.Sort(static (a, b) => a.RingPosition.CompareTo(b.RingPosition));
        return list.Count == 0 ? Task.FromResult(0) : Writer.WriteAsync(StoreWrite.Save(list), cancellationToken);
    }

    /// <summary>
    /// Removes addresses and their stats, leaving tombstones, and returns once committed.
    /// Returns how many of them were known.
    /// </summary>
    public Task<int> RemoveAsync(IEnumerable<PeerAddress> addresses, CancellationToken cancellationToken = default)
    {
        var list = Distinct(addresses, skipOwn: false);
        return list.Count == 0 ? Task.FromResult(0) : Writer.WriteAsync(StoreWrite.Remove(list), cancellationToken);
    }

    /// <summary>Adds to one counter of an address. Never waits; false when the write queue is full.</summary>
    public bool TryRecord(PeerAddress address, StatField field, long amount = 1) =>
        Writer.TryEnqueue(StoreWrite.Stat(address, field, amount));

    /// <summary>Waits until every write queued before this call (background ones included) is committed.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        Writer.WriteAsync(StoreWrite.Flush(), cancellationToken);

    /// <summary>Streams every known address, in store order, reading page by page (no long-held read transaction).</summary>
    public async IAsyncEnumerable<string> KnownAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        do
        {
            var page = await ListAsync(MaxPageSize, after, cancellationToken).ConfigureAwait(false);
            foreach (var address in page.Addresses)
                yield return address;
            after = page.Next;
        }
        while (after is not null);
    }

    /// <summary>One page of known addresses after the cursor <paramref name="after"/> (null for the first page).</summary>
    /// <exception cref="ArgumentException">The cursor is not one this store issued.</exception>
    public async Task<NodePage> ListAsync(int limit, string? after, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        if (after is not null && !NodeCursor.IsValid(after))
            throw new ArgumentException("The cursor is not valid: pass the 'next' value of a previous page.", nameof(after));

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        // Both parts in ring order from the cursor on, merged (an address is in one or the other).
        var from = after is null ? (long?)null : NodeCursor.Decode(after);
        var entries = new List<RingEntry>(limit + 1);
        Explicit.After(from, limit + 1, entries);
        var saved = Rows.Read(entries);
        var learned = await db.LearnedNodes.AsNoTracking().Where(n => from == null || n.Ring > from).OrderBy(n => n.Ring).Take(limit + 1)
            .Select(n => new RingAddress(n.Ring, n.Address)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var rows = saved.Concat(learned).OrderBy(r => r.Ring).Take(limit + 1).ToList();

        var more = rows.Count > limit;
        if (more)
            rows.RemoveAt(rows.Count - 1);
        return new NodePage(rows.ConvertAll(r => r.Address), more ? NodeCursor.Encode(rows[^1].Ring) : null);
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct random known addresses that this node connected to successfully at or after
    /// <paramref name="since"/> (their stats' last ok): a random point on the ring and the next such addresses after it,
    /// wrapping around. It walks the stats table (one row per address ever dialled or exchanged with) from that point
    /// until it has enough, so a caller should not run it per request: <see cref="PeerNode.SampleVerifiedAsync"/> draws
    /// one sample per <see cref="PeerNetLimits.SampleWindow"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> SampleVerifiedAsync(int count, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
            return [];

        Span<byte> point = stackalloc byte[8];
        _random.NextBytes(point);
        var from = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(point);
        var sinceMs = since.ToUnixTimeMilliseconds();

        var result = new List<string>(count);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await TakeKnownAsync(VerifiedFrom(db, from, sinceMs), result, count, cancellationToken).ConfigureAwait(false);
        // Wrap around the ring: the part before the starting point, which the first read did not cover.
        await TakeKnownAsync(VerifiedBefore(db, from, sinceMs), result, count, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Adds the addresses of <paramref name="rows"/> that are still known until <paramref name="into"/> holds <paramref name="count"/>.</summary>
    private async Task TakeKnownAsync(IAsyncEnumerable<VerifiedRow> rows, List<string> into, int count, CancellationToken cancellationToken)
    {
        if (into.Count >= count)
            return;
        var index = Explicit;
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!row.Learned && !index.TryGetId(row.Ring, out _))
                continue; // counted once, since removed
            into.Add(row.Address);
            if (into.Count == count)
                return;
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct random known addresses of any kind, each as likely: a random point on the
    /// hash ring and the next keys after it, wrapping around. Two index seeks at most, whatever the store's size. Purge
    /// checks these (it must reach the new table, where dead addresses gather); dials and answers use <see cref="SampleAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<string>> SampleUniformAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
            return [];
        var from = RandomRingPoint();
        var all = WalkExplicit(from, count);
        if (_applier?.LearnedCount is not 0)
        {
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            all.AddRange(await WalkLearnedAsync(db, from, count, cancellationToken).ConfigureAwait(false));
        }
        return FirstAfter(all, from, count).ConvertAll(r => r.Address);
    }

    /// <summary>The counters of an address; zeros when it is known without any; null when it is neither known nor counted.</summary>
    public async Task<PeerStats?> GetStatsAsync(PeerAddress address, CancellationToken cancellationToken = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var ring = address.RingPosition;
        var row = await db.Stats.AsNoTracking().FirstOrDefaultAsync(s => s.Ring == ring, cancellationToken).ConfigureAwait(false);
        if (row is not null)
        {
            return new PeerStats(
                row.Address,
                new ConnectionStats(row.ConnectionsOk, row.ConnectionsFail, ToTime(row.LastOkAt), ToTime(row.LastFailAt)),
                new NodeExchangeStats(row.NodesRx, row.NodesTx, ToTime(row.LastRxAt), ToTime(row.LastTxAt)));
        }
        var known = Explicit.TryGetId(ring, out _)
            || await db.LearnedNodes.AsNoTracking().AnyAsync(n => n.Ring == ring, cancellationToken).ConfigureAwait(false);
        return known ? new PeerStats(address.Value, new ConnectionStats(0, 0), new NodeExchangeStats(0, 0)) : null;
    }

    /// <summary>Connection counters of several addresses in one query, by address; addresses without counters are absent.</summary>
    public async Task<IReadOnlyDictionary<string, ConnectionCounts>> GetConnectionCountsAsync(
        IReadOnlyCollection<PeerAddress> addresses, CancellationToken cancellationToken = default)
    {
        if (addresses.Count == 0)
            return new Dictionary<string, ConnectionCounts>();
        var rings = addresses.Select(a => a.RingPosition).Distinct().ToList();
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Stats.AsNoTracking().Where(s => rings.Contains(s.Ring))
            .Select(s => new { s.Address, s.ConnectionsOk, s.ConnectionsFail, s.FailingSince })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Address, r => new ConnectionCounts(r.ConnectionsOk, r.ConnectionsFail, ToTime(r.FailingSince)), StringComparer.Ordinal);
    }

    /// <summary>True when the address is tombstoned (removed, or purged) and the tombstone has not expired.</summary>
    public async Task<bool> IsRemovedAsync(PeerAddress address, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var cutoff = (now - _options.RemovedTtl).ToUnixTimeMilliseconds();
        var purgedCutoff = (now - _options.PurgedTtl).ToUnixTimeMilliseconds();
        var ring = address.RingPosition;
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Tombstones.AsNoTracking()
            .AnyAsync(t => t.Ring == ring && t.RemovedAt > (t.Purged ? purgedCutoff : cutoff), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _applier?.Dispose();
        _rows?.Dispose();
        if (_writerConnection is not null)
            await _writerConnection.DisposeAsync().ConfigureAwait(false);
        _writerConnection = null;
    }

    private async Task CloseAsync()
    {
        // Not cancellable: queued writes are committed whatever the caller's patience (it stops waiting, not us).
        await _writer!.StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_checkpointer is not null)
            await _checkpointer.DisposeAsync().ConfigureAwait(false);
        Log.StoreClosed(_logger, Count);
    }

    private PeerStoreWriter Writer => _writer ?? throw new InvalidOperationException("The peer store is not started.");

    private RingIndex Explicit => _applier?.Explicit ?? throw new InvalidOperationException("The peer store is not started.");

    private NodeRowReader Rows => _rows ?? throw new InvalidOperationException("The peer store is not started.");

    /// <summary>Up to <paramref name="count"/> explicit addresses from a ring point on, wrapping around: the index's walk, then their rows.</summary>
    private List<RingAddress> WalkExplicit(long from, int count)
    {
        var entries = new List<RingEntry>(count);
        Explicit.Walk(from, count, entries);
        return Rows.Read(entries);
    }

    private List<PeerAddress> Distinct(IEnumerable<PeerAddress> addresses, bool skipOwn)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var seen = new HashSet<long>();
        var list = new List<PeerAddress>();
        foreach (var address in addresses)
        {
            ArgumentNullException.ThrowIfNull(address, nameof(addresses));
            if ((!skipOwn || !_ownRings.Contains(address.RingPosition)) && seen.Add(address.RingPosition))
                list.Add(address);
        }
        return list;
    }

    private static DateTimeOffset? ToTime(long? unixMs) => unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static partial class Log
    {
        // Event ids 100-199 belong to storage (see PeerStoreWriter for the next free one).
        [LoggerMessage(105, LogLevel.Information, "Peer store open at {Location} with {Count} known addresses")]
        public static partial void StoreOpened(ILogger logger, string location, long count);

        [LoggerMessage(106, LogLevel.Information, "Peer store flushed and closed with {Count} known addresses")]
        public static partial void StoreClosed(ILogger logger, long count);
    }
}
