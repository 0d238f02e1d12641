using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>A request kept to answer GRAFTs: the frame exactly as this node pushes it, and how many pulls it served.</summary>
internal sealed class CachedPayload(UInt128 key, Message frame, TimeSpan expires)
{
    /// <summary>The id's <see cref="IdKeys"/> key.</summary>
    public UInt128 Key { get; } = key;

    public Message Frame { get; } = frame;

    public TimeSpan Expires { get; } = expires;

    public int Served { get; set; }
}

/// <summary>
/// Requests this node pushed, bounded by count and age (oldest out first), to answer GRAFTs. Keyed by
/// <see cref="IdKeys"/> values: once full, every push evicts, and value keys make those lookups cheap.
/// </summary>
internal sealed class PayloadCache(int capacity, TimeSpan ttl)
{
    private readonly Dictionary<UInt128, CachedPayload> _byId = new();
    private readonly Queue<CachedPayload> _order = new();

    public int Count => _byId.Count;

    /// <summary>Payloads pushed out by capacity.</summary>
    public long Evictions { get; private set; }

    /// <summary>Keeps <paramref name="frame"/> under the key of its id (replacing an older one).</summary>
    public void Add(UInt128 key, Message frame, TimeSpan now)
    {
        Expire(now);
        if (!_byId.ContainsKey(key) && _byId.Count >= capacity)
        {
            RemoveOldest();
            Evictions++;
        }
        var entry = new CachedPayload(key, frame, now + ttl);
        _byId[key] = entry;
        _order.Enqueue(entry);
    }

    public CachedPayload? Find(ByteString id, TimeSpan now)
    {
        Expire(now);
        return _byId.GetValueOrDefault(IdKeys.Of(id));
    }

    private void Expire(TimeSpan now)
    {
        while (_order.Count > 0 && _order.Peek().Expires <= now)
            RemoveOldest();
    }

    private void RemoveOldest()
    {
        while (_order.TryDequeue(out var entry))
        {
            // A replaced entry no longer owns its id's slot.
            if (_byId.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
            {
                _byId.Remove(entry.Key);
                return;
            }
        }
    }
}
