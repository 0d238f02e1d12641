namespace PeerNet.Gossip;

/// <summary>
/// A map bounded by count and age: entries leave in insertion order (all share one time to live), the oldest first
/// when full. What a remote peer can fill (request origins, seen responses) lives in one of these, so a flood of
/// unique ids costs a fixed amount of memory. Used for seen request ids, payloads kept for pulls, request origins,
/// seen responses and reply handles. Not thread-safe: one owner (a router's loop, or a lock).
/// </summary>
internal sealed class ExpiringCache<TKey, TValue>(int capacity, TimeSpan ttl) where TKey : notnull
{
    private readonly Dictionary<TKey, (TValue Value, long Stamp)> _entries = new(Math.Min(capacity, 1024));
    private readonly Queue<(TKey Key, long Stamp, TimeSpan Expires)> _order = new();
    private long _stamp;

    public int Count => _entries.Count;

    public int Capacity { get; } = capacity;

    /// <summary>Entries pushed out early because the cache was full.</summary>
    public long Evictions { get; private set; }

    /// <summary>The node-wide bound this cache is (counts evictions as hits, watches occupancy), when it is one.</summary>
    public LimitBound? Bound { get; init; }

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
    public bool Set(TKey key, TValue value, TimeSpan now)
    {
        Expire(now);
        var existed = _entries.ContainsKey(key);
        if (!existed && _entries.Count >= Capacity)
        {
            RemoveOldest();
            Evictions++;
            Bound?.Hit();
        }
        var stamp = ++_stamp;
        _entries[key] = (value, stamp);
        _order.Enqueue((key, stamp, now + ttl));
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
                _entries.Remove(head.Key);
        }
    }

    private void RemoveOldest()
    {
        while (_order.TryDequeue(out var head))
        {
            if (_entries.TryGetValue(head.Key, out var entry) && entry.Stamp == head.Stamp)
            {
                _entries.Remove(head.Key);
                return;
            }
        }
    }

    private void Compact()
    {
        var live = _order.Where(e => _entries.TryGetValue(e.Key, out var entry) && entry.Stamp == e.Stamp).ToList();
        _order.Clear();
        foreach (var entry in live)
            _order.Enqueue(entry);
    }
}
