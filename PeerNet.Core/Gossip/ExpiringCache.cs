namespace PeerNet.Gossip;

/// <summary>
/// A map bounded by count and age: entries leave in insertion order (all share one time to live), the oldest first
/// when full. What a remote peer can fill (request origins, seen responses) lives in one of these, so a flood of
/// unique ids costs a fixed amount of memory. Used for seen request ids, payloads kept for pulls, request origins,
/// seen responses and reply handles. Not thread-safe: one owner (a router's loop, or a lock).
/// </summary>
/// <remarks>
/// With <see cref="OwnerShare"/> set, entries may name an owner (the link that caused them, as a number, so the cache
/// holds no reference to a session). Once the cache is full, an owner holding its share or more evicts its own
/// oldest entry; any other insert evicts the oldest entry of an owner over its share if there is one, else the
/// cache's oldest. So one peer's flood cannot push out other peers' entries (threat H6). All of it stays O(1) per
/// call (amortised; at most Capacity / OwnerShare owners can be over their share at once). Until the cache first
/// fills, nothing can be evicted, so the per-owner logs are made only then, from the entries in order: a cache that
/// never fills (a simulated node's, holding a few ids) carries none.
/// <para><paramref name="presize"/> is how many entries room is made for at once (at most the capacity). The
/// dissemination rules pass <see cref="Dissemination.DisseminationSettings.CachePresize"/>: a node's router a few
/// hundred (its first announces grow nothing), a simulation of a million nodes, each holding a few ids, 0.</para>
/// </remarks>
internal sealed class ExpiringCache<TKey, TValue>(int capacity, TimeSpan ttl, int presize = 1024) where TKey : notnull
{
    private readonly Dictionary<TKey, (TValue Value, long Stamp, int Owner)> _entries = new(Math.Clamp(presize, 0, capacity));
    private readonly Queue<(TKey Key, long Stamp, TimeSpan Expires)> _order = new(Math.Clamp(presize, 0, capacity));
    private Dictionary<int, OwnerLog>? _owners; // made when the cache first fills
    private List<int>? _heavy; // owners that reached their share (some may have fallen back under it)
    private long _stamp;

    public int Count => _entries.Count;

    public int Capacity { get; } = capacity;

    /// <summary>Entries pushed out early because the cache was full.</summary>
    public long Evictions { get; private set; }

    /// <summary>The node-wide bound this cache is (counts evictions as hits, watches occupancy), when it is one.</summary>
    public LimitBound? Bound { get; init; }

    /// <summary>
    /// Entries one owner may hold before, in a full cache, its new ones evict its own oldest (0: no owners, the
    /// oldest entry goes whoever caused it).
    /// </summary>
    public int OwnerShare { get; init; }

    /// <summary>Entries held by <paramref name="owner"/> (0 when it has none, or owners are off).</summary>
    public int CountOf(int owner)
    {
        if (owner == 0 || OwnerShare <= 0)
            return 0;
        if (_owners is not null)
            return _owners.TryGetValue(owner, out var log) ? log.Count : 0;
        var count = 0; // not full yet: a walk (diagnostics only)
        foreach (var entry in _entries.Values)
            count += entry.Owner == owner ? 1 : 0;
        return count;
    }

    public bool Contains(TKey key, TimeSpan now)
    {
        Expire(now);
        return _entries.ContainsKey(key);
    }

    public bool TryGetValue(TKey key, TimeSpan now, out TValue value)
    {
        Expire(now);
        if (_entries.TryGetValue(key, out var entry))
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Adds or replaces <paramref name="key"/>; false when it was already present (and is now renewed).</summary>
    public bool Set(TKey key, TValue value, TimeSpan now) => Set(key, value, now, owner: 0);

    /// <summary>
    /// Adds or replaces <paramref name="key"/> on behalf of <paramref name="owner"/> (0: nobody's); false when it was
    /// already present (and is now renewed, and its owner's).
    /// </summary>
    public bool Set(TKey key, TValue value, TimeSpan now, int owner)
    {
        Expire(now);
        if (OwnerShare <= 0)
            owner = 0;
        var existed = _entries.TryGetValue(key, out var old);
        if (existed)
            Release(old.Owner);
        else if (_entries.Count >= Capacity)
        {
            if (OwnerShare > 0 && _owners is null)
                TrackOwners();
            if (!RemoveOldestOf(owner) && !RemoveOldestOfHeavy())
                RemoveOldest();
            Evictions++;
            Bound?.Hit();
        }
        var stamp = ++_stamp;
        _entries[key] = (value, stamp, owner);
        _order.Enqueue((key, stamp, now + ttl));
        if (owner != 0 && _owners is not null)
            Claim(owner, key, stamp);
        // Renewals leave stale queue entries behind; compact before they outgrow the map.
        if (_order.Count > 2 * Capacity)
            Compact();
        if (!existed)
            Bound?.Observe(_entries.Count);
        return !existed;
    }

    private void Expire(TimeSpan now)
    {
        while (_order.TryPeek(out var head) && head.Expires <= now)
        {
            _order.Dequeue();
            if (_entries.TryGetValue(head.Key, out var entry) && entry.Stamp == head.Stamp)
                Remove(head.Key, entry.Owner);
        }
    }

    private void RemoveOldest()
    {
        while (_order.TryDequeue(out var head))
        {
            if (_entries.TryGetValue(head.Key, out var entry) && entry.Stamp == head.Stamp)
            {
                Remove(head.Key, entry.Owner);
                return;
            }
        }
    }

    /// <summary>An owner at or over its share makes room from its own entries; false when it is under it.</summary>
    private bool RemoveOldestOf(int owner)
    {
        if (owner == 0 || _owners is null || !_owners.TryGetValue(owner, out var log) || log.Count < OwnerShare)
            return false;
        while (log.Order.TryDequeue(out var head))
        {
            if (_entries.TryGetValue(head.Key, out var entry) && entry.Stamp == head.Stamp)
            {
                Remove(head.Key, owner);
                // Usually also the cache's oldest (one busy peer); otherwise its place in the cache-wide order stays
                // behind as a stale item, skipped like a renewal's.
                if (_order.TryPeek(out var oldest) && oldest.Stamp == head.Stamp)
                    _order.Dequeue();
                return true;
            }
        }
        return false;
    }

    /// <summary>Makes room from an owner over its share, if any is (dropping the ones that fell back under it).</summary>
    private bool RemoveOldestOfHeavy()
    {
        if (_heavy is null)
            return false;
        for (var i = _heavy.Count - 1; i >= 0; i--)
        {
            if (RemoveOldestOf(_heavy[i]))
                return true;
            _heavy.RemoveAt(i);
        }
        return false;
    }

    private void Remove(TKey key, int owner)
    {
        _entries.Remove(key);
        Release(owner);
    }

    /// <summary>Makes the owners' logs from the live entries, oldest first: the cache is full for the first time.</summary>
    private void TrackOwners()
    {
        _owners = new Dictionary<int, OwnerLog>();
        foreach (var item in _order)
        {
            if (_entries.TryGetValue(item.Key, out var entry) && entry.Stamp == item.Stamp && entry.Owner != 0)
                Claim(entry.Owner, item.Key, item.Stamp);
        }
    }

    private void Claim(int owner, TKey key, long stamp)
    {
        var owners = _owners ??= new Dictionary<int, OwnerLog>();
        if (!owners.TryGetValue(owner, out var log))
            owners[owner] = log = new OwnerLog();
        if (++log.Count == OwnerShare && !(_heavy ??= new List<int>()).Contains(owner))
            _heavy.Add(owner);
        log.Order.Enqueue((key, stamp));
        // Entries that left by age or by the cache-wide order stay in the owner's queue; compact before they pile up.
        if (log.Order.Count > 2 * log.Count + 64)
        {
            // In place (each item once round the queue): no new queue or list per compaction.
            for (var n = log.Order.Count; n > 0; n--)
            {
                var item = log.Order.Dequeue();
                if (_entries.TryGetValue(item.Key, out var entry) && entry.Stamp == item.Stamp)
                    log.Order.Enqueue(item);
            }
        }
    }

    private void Release(int owner)
    {
        if (owner == 0 || _owners is null || !_owners.TryGetValue(owner, out var log))
            return;
        if (--log.Count == 0)
            _owners.Remove(owner); // an owner with nothing left costs nothing (sessions come and go)
    }

    private void Compact()
    {
        // In place (each item once round the queue, order kept): no list the size of the cache per compaction.
        for (var n = _order.Count; n > 0; n--)
        {
            var item = _order.Dequeue();
            if (_entries.TryGetValue(item.Key, out var entry) && entry.Stamp == item.Stamp)
                _order.Enqueue(item);
        }
    }

    /// <summary>One owner's entries: how many, and their keys oldest first (with stale ones, skipped when met).</summary>
    private sealed class OwnerLog
    {
        public int Count;

        public Queue<(TKey Key, long Stamp)> Order = new();
    }
}
