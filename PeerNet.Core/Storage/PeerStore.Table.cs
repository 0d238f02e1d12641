using System.Net;
using Microsoft.EntityFrameworkCore;
using PeerNet.Addressing;
using PeerNet.Storage.Entities;

namespace PeerNet.Storage;

/// <summary>The address table's side of the store: learning into the new table, samples weighted toward trust.</summary>
public sealed partial class PeerStore
{
    private const string TableKeyName = "AddressTableKey";

    private static readonly Func<PeerStoreContext, AddressKind, long, int, IAsyncEnumerable<RingAddress>> KindFrom =
        EF.CompileAsyncQuery((PeerStoreContext db, AddressKind kind, long from, int take) =>
            db.LearnedNodes.AsNoTracking().Where(n => n.Kind == kind && n.Ring >= from).OrderBy(n => n.Ring)
                .Select(n => new RingAddress(n.Ring, n.Address)).Take(take));

    private static readonly Func<PeerStoreContext, AddressKind, long, int, IAsyncEnumerable<RingAddress>> KindBefore =
        EF.CompileAsyncQuery((PeerStoreContext db, AddressKind kind, long before, int take) =>
            db.LearnedNodes.AsNoTracking().Where(n => n.Kind == kind && n.Ring < before).OrderBy(n => n.Ring)
                .Select(n => new RingAddress(n.Ring, n.Address)).Take(take));

    private static readonly Func<PeerStoreContext, long, int, IAsyncEnumerable<RingAddress>> LearnedFrom =
        EF.CompileAsyncQuery((PeerStoreContext db, long from, int take) =>
            db.LearnedNodes.AsNoTracking().Where(n => n.Ring >= from).OrderBy(n => n.Ring)
                .Select(n => new RingAddress(n.Ring, n.Address)).Take(take));

    private static readonly Func<PeerStoreContext, long, int, IAsyncEnumerable<RingAddress>> LearnedBefore =
        EF.CompileAsyncQuery((PeerStoreContext db, long before, int take) =>
            db.LearnedNodes.AsNoTracking().Where(n => n.Ring < before).OrderBy(n => n.Ring)
                .Select(n => new RingAddress(n.Ring, n.Address)).Take(take));

    /// <summary>
    /// Queues addresses learned from a peer whose remote IP is <paramref name="source"/> (null: the node found them
    /// itself, as for resolved DNS seeds): each goes to its slot in the bounded new table, unless it is known already,
    /// the slot is held (by an address not yet found terrible), or it was removed within <see cref="PeerNetOptions.RemovedTtl"/>
    /// (purged: <see cref="PeerNetOptions.PurgedTtl"/>). Never waits; false when the write queue is full and they were dropped.
    /// </summary>
    public bool TrySaveLearned(IEnumerable<PeerAddress> addresses, IPAddress? source)
    {
        var list = Distinct(addresses, skipOwn: true);
        if (list.Count == 0)
            return true;
        var table = _table ?? throw new InvalidOperationException("The peer store is not started.");
        var sourceGroup = source is null ? null : AddressGroup.OfSource(source);
        var slots = new int[list.Count];
        for (var i = 0; i < list.Count; i++)
            slots[i] = table.NewSlot(list[i], sourceGroup ?? AddressGroup.Of(list[i]));
        return Writer.TryEnqueue(StoreWrite.Learn(list, slots));
    }

    /// <summary>Removes addresses purge found dead, leaving short tombstones (<see cref="PeerNetOptions.PurgedTtl"/>).</summary>
    public Task<int> PurgeAsync(IEnumerable<PeerAddress> addresses, CancellationToken cancellationToken = default)
    {
        var list = Distinct(addresses, skipOwn: false);
        return list.Count == 0 ? Task.FromResult(0) : Writer.WriteAsync(StoreWrite.Purge(list), cancellationToken);
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct random known addresses for dials and node-exchange answers: a share of
    /// <see cref="PeerNetOptions.SampleTrustedShare"/> from explicit saves and tried addresses while they have enough,
    /// the rest from the new table (so a flood of learned addresses cannot take over what the node dials and hands
    /// out). Trusted ones come first. Each kind is a random point on the ring and the next keys after it.
    /// </summary>
    public async Task<IReadOnlyList<string>> SampleAsync(int count, CancellationToken cancellationToken = default) =>
        (await SamplePartsAsync(count, cancellationToken).ConfigureAwait(false)).Take(count, _options.SampleTrustedShare);

    /// <summary>
    /// Up to <paramref name="count"/> trusted (explicit and tried) and up to <paramref name="count"/> learned (new-table)
    /// addresses, each part from one random ring point on; <see cref="AddressSample.Take"/> mixes them.
    /// </summary>
    public async Task<AddressSample> SamplePartsAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
            return AddressSample.Empty;
        var from = RandomRingPoint();
        var trusted = WalkExplicit(from, count);
        var saved = trusted.Select(r => r.Address).ToHashSet(StringComparer.Ordinal);
        // No learned address (a store of explicit saves): no SQL query at all.
        if (_applier?.LearnedCount is 0)
            return new AddressSample(trusted.ConvertAll(r => r.Address), [], saved);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        trusted.AddRange(await WalkAsync(db, AddressKind.Tried, from, count, cancellationToken).ConfigureAwait(false));
        var learned = await WalkAsync(db, AddressKind.New, from, count, cancellationToken).ConfigureAwait(false);
        return new AddressSample(FirstAfter(trusted, from, count).ConvertAll(r => r.Address), learned.ConvertAll(r => r.Address), saved);
    }

    /// <summary>How many known addresses each part of the table holds (explicit, tried, new).</summary>
    public async Task<IReadOnlyDictionary<AddressKind, long>> CountByKindAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.LearnedNodes.AsNoTracking().GroupBy(n => n.Kind).Select(g => new { g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var counts = Enum.GetValues<AddressKind>().ToDictionary(k => k, k => rows.FirstOrDefault(r => r.Key == k)?.Count ?? 0);
        counts[AddressKind.Explicit] = Explicit.Count;
        return counts;
    }

    /// <summary>
    /// Queues the anchors, the outbound peers a restarted node dials first (Bitcoin Core's anchors), replacing the
    /// last. Kept as the links change rather than at shutdown, so a killed node has them too. Never waits; false when
    /// the write queue is full.
    /// </summary>
    public bool TrySaveAnchors(IReadOnlyList<PeerAddress> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        return Writer.TryEnqueue(StoreWrite.Anchors(anchors));
    }

    /// <summary>The anchors saved last (none at first start). They are addresses as stored then: the caller parses them again.</summary>
    public async Task<IReadOnlyList<string>> LoadAnchorsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Name == AnchorCodec.SettingName, cancellationToken).ConfigureAwait(false);
        return row is null ? [] : AnchorCodec.Decode(row.Value);
    }

    /// <summary>The node's secret key for the table's bucket hashes: made once, then kept in the database.</summary>
    private async Task<byte[]> LoadTableKeyAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Name == TableKeyName, cancellationToken).ConfigureAwait(false);
        if (row is { Value.Length: AddressTable.KeyLength })
            return row.Value;
        var key = AddressTable.NewKey();
        await db.Settings.Where(s => s.Name == TableKeyName).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        db.Settings.Add(new StoreSettingEntity { Name = TableKeyName, Value = key });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return key;
    }

    private long RandomRingPoint()
    {
        Span<byte> point = stackalloc byte[8];
        _random.NextBytes(point);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(point);
    }

    /// <summary>Up to <paramref name="count"/> learned addresses of one kind from a ring point on, wrapping around.</summary>
    private static Task<List<RingAddress>> WalkAsync(PeerStoreContext db, AddressKind kind, long from, int count, CancellationToken cancellationToken) =>
        WalkAsync(KindFrom(db, kind, from, count), take => KindBefore(db, kind, from, take), count, cancellationToken);

    /// <summary>Up to <paramref name="count"/> learned addresses of either kind from a ring point on, wrapping around.</summary>
    private static Task<List<RingAddress>> WalkLearnedAsync(PeerStoreContext db, long from, int count, CancellationToken cancellationToken) =>
        WalkAsync(LearnedFrom(db, from, count), take => LearnedBefore(db, from, take), count, cancellationToken);

    private static async Task<List<RingAddress>> WalkAsync(
        IAsyncEnumerable<RingAddress> after, Func<int, IAsyncEnumerable<RingAddress>> before, int count, CancellationToken cancellationToken)
    {
        var result = new List<RingAddress>(count);
        await foreach (var row in after.WithCancellation(cancellationToken).ConfigureAwait(false))
            result.Add(row);
        if (result.Count < count)
        {
            await foreach (var row in before(count - result.Count).WithCancellation(cancellationToken).ConfigureAwait(false))
                result.Add(row);
        }
        return result;
    }

    /// <summary>The first <paramref name="count"/> of several walks from one point, in ring order after it: as random as each walk.</summary>
    private static List<RingAddress> FirstAfter(List<RingAddress> rows, long from, int count)
    {
        rows.Sort((a, b) => unchecked((ulong)(a.Ring - from)).CompareTo(unchecked((ulong)(b.Ring - from))));
        if (rows.Count > count)
            rows.RemoveRange(count, rows.Count - count);
        return rows;
    }
}
