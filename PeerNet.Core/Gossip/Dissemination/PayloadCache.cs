using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>A request kept to answer GRAFTs: the frame exactly as this node pushes it, and how many pulls it served.</summary>
internal sealed class CachedPayload(ByteString id, Message frame, TimeSpan expires)
{
    public ByteString Id { get; } = id;

    public Message Frame { get; } = frame;

    public TimeSpan Expires { get; } = expires;

    public int Served { get; set; }
}

/// <summary>Requests this node pushed, bounded by count and age (oldest out first), to answer GRAFTs.</summary>
internal sealed class PayloadCache(int capacity, TimeSpan ttl)
{
    private readonly Dictionary<ByteString, CachedPayload> _byId = new();
    private readonly Queue<CachedPayload> _order = new();

    public int Count => _byId.Count;

    /// <summary>Payloads pushed out by capacity.</summary>
    public long Evictions { get; private set; }

    public void Add(ByteString id, Message frame, TimeSpan now)
    {
        Expire(now);
        if (!_byId.ContainsKey(id) && _byId.Count >= capacity)
        {
            RemoveOldest();
            Evictions++;
        }
        var entry = new CachedPayload(id, frame, now + ttl);
        _byId[id] = entry;
        _order.Enqueue(entry);
    }

    public CachedPayload? Find(ByteString id, TimeSpan now)
    {
        Expire(now);
        return _byId.GetValueOrDefault(id);
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
            if (_byId.TryGetValue(entry.Id, out var current) && ReferenceEquals(current, entry))
            {
                _byId.Remove(entry.Id);
                return;
            }
        }
    }
}
