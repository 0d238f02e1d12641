using Google.Protobuf;

namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// Request ids seen recently: a set bounded by count and age. Ids leave in insertion order (every entry has the same
/// time to live and time is monotonic, so the oldest entry is always the next to expire).
/// </summary>
internal sealed class SeenIds(int capacity, TimeSpan ttl)
{
    private readonly Dictionary<ByteString, TimeSpan> _expiry = new();
    private readonly Queue<(ByteString Id, TimeSpan Expires)> _order = new();

    public int Count => _expiry.Count;

    /// <summary>Ids pushed out by capacity.</summary>
    public long Evictions { get; private set; }

    public bool Contains(ByteString id, TimeSpan now)
    {
        Expire(now);
        return _expiry.ContainsKey(id);
    }

    /// <summary>Adds <paramref name="id"/> (renewing it when present).</summary>
    public void Add(ByteString id, TimeSpan now)
    {
        Expire(now);
        var expires = now + ttl;
        if (!_expiry.ContainsKey(id) && _expiry.Count >= capacity)
        {
            RemoveOldest();
            Evictions++;
        }
        _expiry[id] = expires;
        _order.Enqueue((id, expires));
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
            if (_expiry.TryGetValue(entry.Id, out var current) && current == entry.Expires)
            {
                _expiry.Remove(entry.Id);
                return;
            }
        }
    }
}
