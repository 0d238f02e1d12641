namespace PeerNet.Storage;

/// <summary>
/// The explicit addresses' ring positions in memory, in ring order, each with its row id in the Nodes table: the
/// store's uniqueness check, its ring walks (samples, pages) and its lookups by ring, so the table needs no index on
/// the ring. An SQL index on random 64-bit keys changed one page per new address once it outgrew a batch, and every
/// changed page is written twice (log and checkpoint); rows appended by id change only the table's last pages.
/// </summary>
/// <remarks>
/// Sorted runs of at most <see cref="ChunkCapacity"/> entries (a B-tree of one level): an insert moves at most one run's
/// entries, a walk is one binary search and a read of the next entries. 16 bytes an entry, runs 50-100% full
/// (about 23 bytes an address after random inserts, 21 after loading, which fills runs to three quarters): ~23 MB
/// at a million addresses, ~230 MB at ten million (the store bench measures the heap). One writer (the store's writer loop, after each commit), any number of readers; a lock guards both,
/// held for one short step (a walk, a lookup, up to <see cref="WriteStep"/> inserts), never across an await.
/// </remarks>
internal sealed class RingIndex
{
    /// <summary>Entries per run: small enough that an insert's move is a few KB, large enough that runs are few.</summary>
    internal const int ChunkCapacity = 512;

    /// <summary>Inserts per hold of the lock, so a reader waits for at most this many while a batch goes in.</summary>
    private const int WriteStep = 1024;

    private readonly Lock _gate = new();
    private readonly List<Chunk> _chunks = [];
    private int _count;

    /// <summary>Number of entries.</summary>
    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>
    /// An index of <paramref name="rings"/> and their <paramref name="ids"/>, both sorted here by ring (the arrays are
    /// reordered). Entries whose ring repeats an earlier one are left out and their ids returned: the table has no
    /// unique constraint, so the loader deletes those rows.
    /// </summary>
    public static RingIndex Load(long[] rings, long[] ids, int count, out List<long> duplicateIds)
    {
        Array.Sort(rings, ids, 0, count);
        var index = new RingIndex();
        duplicateIds = [];
        // Runs filled to three quarters: the first inserts after a start do not split every run at once.
        const int fill = ChunkCapacity * 3 / 4;
        Chunk? chunk = null;
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && rings[i] == rings[i - 1])
            {
                duplicateIds.Add(ids[i]);
                continue;
            }
            if (chunk is null || chunk.Count == fill)
            {
                chunk = new Chunk();
                index._chunks.Add(chunk);
            }
            chunk.Rings[chunk.Count] = rings[i];
            chunk.Ids[chunk.Count++] = ids[i];
            index._count++;
        }
        return index;
    }

    /// <summary>The row id of <paramref name="ring"/>, if indexed.</summary>
    public bool TryGetId(long ring, out long id)
    {
        lock (_gate)
        {
            var c = ChunkOf(ring);
            if (c >= 0)
            {
                var chunk = _chunks[c];
                var at = Array.BinarySearch(chunk.Rings, 0, chunk.Count, ring);
                if (at >= 0)
                {
                    id = chunk.Ids[at];
                    return true;
                }
            }
        }
        id = 0;
        return false;
    }

    /// <summary>Adds entries whose rings are not indexed yet (the caller checked); any order.</summary>
    public void AddRange(ReadOnlySpan<RingEntry> entries)
    {
        for (var start = 0; start < entries.Length; start += WriteStep)
        {
            var step = entries.Slice(start, Math.Min(WriteStep, entries.Length - start));
            lock (_gate)
            {
                foreach (var entry in step)
                    Insert(entry.Ring, entry.Id);
            }
        }
    }

    /// <summary>Removes the entries of <paramref name="rings"/> that are indexed.</summary>
    public void RemoveRange(ReadOnlySpan<long> rings)
    {
        for (var start = 0; start < rings.Length; start += WriteStep)
        {
            var step = rings.Slice(start, Math.Min(WriteStep, rings.Length - start));
            lock (_gate)
            {
                foreach (var ring in step)
                    Remove(ring);
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> entries from <paramref name="from"/> on in ring order (the first at or after it),
    /// wrapping around past the end; each entry once.
    /// </summary>
    public void Walk(long from, int count, List<RingEntry> into)
    {
        lock (_gate)
        {
            var take = Math.Min(count, _count);
            var (c, at) = LowerBound(from);
            for (var taken = 0; taken < take; taken++)
            {
                if (c == _chunks.Count)
                    (c, at) = (0, 0); // wrap around
                var chunk = _chunks[c];
                into.Add(new RingEntry(chunk.Rings[at], chunk.Ids[at]));
                if (++at == chunk.Count)
                    (c, at) = (c + 1, 0);
            }
        }
    }

    /// <summary>Up to <paramref name="count"/> entries after <paramref name="after"/> (from the start when null), in ring order, no wrapping.</summary>
    public void After(long? after, int count, List<RingEntry> into)
    {
        lock (_gate)
        {
            var (c, at) = after is { } ring ? LowerBound(ring) : (0, 0);
            for (var taken = 0; taken < count && c < _chunks.Count;)
            {
                var chunk = _chunks[c];
                if (after is null || chunk.Rings[at] != after)
                {
                    into.Add(new RingEntry(chunk.Rings[at], chunk.Ids[at]));
                    taken++;
                }
                if (++at == chunk.Count)
                    (c, at) = (c + 1, 0);
            }
        }
    }

    private void Insert(long ring, long id)
    {
        if (_chunks.Count == 0)
            _chunks.Add(new Chunk());
        var c = Math.Max(0, ChunkOf(ring));
        var chunk = _chunks[c];
        var at = ~Array.BinarySearch(chunk.Rings, 0, chunk.Count, ring);
        if (at < 0)
            return; // indexed already: the caller's check makes this unreachable; never two entries for one ring
        if (chunk.Count == ChunkCapacity)
        {
            // Full: its upper half moves to a new run after it.
            var upper = new Chunk { Count = ChunkCapacity / 2 };
            Array.Copy(chunk.Rings, ChunkCapacity / 2, upper.Rings, 0, upper.Count);
            Array.Copy(chunk.Ids, ChunkCapacity / 2, upper.Ids, 0, upper.Count);
            chunk.Count = ChunkCapacity / 2;
            _chunks.Insert(c + 1, upper);
            if (at > chunk.Count)
            {
                chunk = upper;
                at -= ChunkCapacity / 2;
            }
        }
        Array.Copy(chunk.Rings, at, chunk.Rings, at + 1, chunk.Count - at);
        Array.Copy(chunk.Ids, at, chunk.Ids, at + 1, chunk.Count - at);
        chunk.Rings[at] = ring;
        chunk.Ids[at] = id;
        chunk.Count++;
        _count++;
    }

    private void Remove(long ring)
    {
        var c = ChunkOf(ring);
        if (c < 0)
            return;
        var chunk = _chunks[c];
        var at = Array.BinarySearch(chunk.Rings, 0, chunk.Count, ring);
        if (at < 0)
            return;
        chunk.Count--;
        Array.Copy(chunk.Rings, at + 1, chunk.Rings, at, chunk.Count - at);
        Array.Copy(chunk.Ids, at + 1, chunk.Ids, at, chunk.Count - at);
        if (chunk.Count == 0)
            _chunks.RemoveAt(c);
        _count--;
    }

    /// <summary>The last run whose first ring is at or before <paramref name="ring"/>; -1 when it is before every run.</summary>
    private int ChunkOf(long ring)
    {
        int low = 0, high = _chunks.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (_chunks[middle].Rings[0] <= ring)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return high;
    }

    /// <summary>The position of the first entry at or after <paramref name="ring"/>: (run count, 0) when there is none.</summary>
    private (int Chunk, int At) LowerBound(long ring)
    {
        var c = Math.Max(0, ChunkOf(ring));
        if (c >= _chunks.Count)
            return (_chunks.Count, 0);
        var chunk = _chunks[c];
        var at = Array.BinarySearch(chunk.Rings, 0, chunk.Count, ring);
        if (at < 0)
            at = ~at;
        return at < chunk.Count ? (c, at) : (c + 1, 0);
    }

    private sealed class Chunk
    {
        public readonly long[] Rings = new long[ChunkCapacity];
        public readonly long[] Ids = new long[ChunkCapacity];
        public int Count;
    }
}

/// <summary>An explicit address's ring position and its row id in the Nodes table.</summary>
internal readonly record struct RingEntry(long Ring, long Id);
