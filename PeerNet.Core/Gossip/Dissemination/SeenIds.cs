using Google.Protobuf;

namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// Request ids seen recently: a set bounded by count and age. Ids leave in insertion order (every entry has the same
/// time to live and time is monotonic, so the oldest entry is always the next to expire). Ids are held as
/// <see cref="IdKeys"/> values: at full capacity every insert evicts, and value keys keep that cheap.
/// </summary>
internal sealed class SeenIds(int capacity, TimeSpan ttl)
{
    private readonly Dictionary<UInt128, TimeSpan> _expiry = new();
    private readonly Queue<(UInt128 Key, TimeSpan Expires)> _order = new();

    public int Count => _expiry.Count;

    /// <summary>Ids pushed out by capacity.</summary>
    public long Evictions { get; private set; }

    public bool Contains(ByteString id, TimeSpan now) => Contains(IdKeys.Of(id), now);

    /// <summary>True when the id whose <see cref="IdKeys"/> key is <paramref name="key"/> was seen.</summary>
    public bool Contains(UInt128 key, TimeSpan now)
    {
        Expire(now);
        return _expiry.ContainsKey(key);
    }

    /// <summary>Adds <paramref name="id"/> (renewing it when present).</summary>
    public void Add(ByteString id, TimeSpan now) => Add(IdKeys.Of(id), now);

    /// <summary>Adds the id whose key is <paramref name="key"/> (renewing it when present).</summary>
    public void Add(UInt128 key, TimeSpan now)
    {
        Expire(now);
        var expires = now + ttl;
        if (!_expiry.ContainsKey(key) && _expiry.Count >= capacity)
        {
            RemoveOldest();
            Evictions++;
        }
        _expiry[key] = expires;
        _order.Enqueue((key, expires));
    }

    private void Expire(TimeSpan now)
    {
        while (_order.Count > 0 && _order.Peek().Expires <= now)
            RemoveOldest();
    }

    private void RemoveOldest()
    {
        // Skip queue entries superseded by a renewal: only the newest entry of an id owns its dictionary slot.
        while (_order.TryDequeue(out var entry))
        {
            if (_expiry.TryGetValue(entry.Key, out var current) && current == entry.Expires)
            {
                _expiry.Remove(entry.Key);
                return;
            }
        }
    }
}
