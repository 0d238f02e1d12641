namespace PeerNet.Gossip;

/// <summary>
/// Addresses bootstrap should leave alone for a while: after a failed dial (exponential back-off, so a store full
/// of dead addresses cannot cause a dial storm) or after a dial that found the node already connected by its
/// other end. Bounded: past <see cref="Capacity"/> the entry closest to expiry is forgotten. Thread-safe (a lock:
/// it is touched a few times per dial, far from any hot path).
/// </summary>
public sealed class DialBackoff(TimeProvider time, TimeSpan baseDelay, TimeSpan maxDelay, int capacity = DialBackoff.DefaultCapacity)
{
    /// <summary>Default most addresses remembered.</summary>
    public const int DefaultCapacity = 4096;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Most addresses remembered.</summary>
    public int Capacity { get; } = capacity;

    /// <summary>Addresses in back-off right now (expired ones included until they are pruned).</summary>
    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    /// <summary>True when <paramref name="address"/> should not be dialled yet.</summary>
    public bool IsWaiting(string address)
    {
        lock (_gate)
            return _entries.TryGetValue(address, out var entry) && time.GetUtcNow() < entry.Until;
    }

    /// <summary>A failed dial: waits baseDelay × 2^(failures-1), at most maxDelay.</summary>
    public TimeSpan RecordFailure(string address)
    {
        lock (_gate)
        {
            var failures = _entries.TryGetValue(address, out var entry) ? entry.Failures + 1 : 1;
            var delay = TimeSpan.FromTicks((long)Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Min(failures - 1, 30))));
            Put(address, new Entry(failures, time.GetUtcNow() + delay));
            return delay;
        }
    }

    /// <summary>Leave <paramref name="address"/> alone for <paramref name="delay"/> without counting a failure.</summary>
    public void Defer(string address, TimeSpan delay)
    {
        lock (_gate)
        {
            var failures = _entries.TryGetValue(address, out var entry) ? entry.Failures : 0;
            Put(address, new Entry(failures, time.GetUtcNow() + delay));
        }
    }

    /// <summary>A successful dial clears the address's record.</summary>
    public void RecordSuccess(string address)
    {
        lock (_gate)
            _entries.Remove(address);
    }

    /// <summary>Call under the gate.</summary>
    private void Put(string address, Entry entry)
    {
        if (_entries.Count >= Capacity && !_entries.ContainsKey(address))
            Prune();
        _entries[address] = entry;
    }

    /// <summary>Drops expired entries; if none had expired, the one that expires first.</summary>
    private void Prune()
    {
        var now = time.GetUtcNow();
        var expired = _entries.Where(e => e.Value.Until <= now).Select(e => e.Key).ToList();
        if (expired.Count == 0)
            expired.Add(_entries.MinBy(e => e.Value.Until).Key);
        foreach (var key in expired)
            _entries.Remove(key);
    }

    private readonly record struct Entry(int Failures, DateTimeOffset Until);
}
