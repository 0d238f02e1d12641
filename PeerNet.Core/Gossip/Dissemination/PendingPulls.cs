using Google.Protobuf;

namespace PeerNet.Gossip.Dissemination;

/// <summary>Missing ids being pulled, bounded by count and age; the oldest are given up first.</summary>
internal sealed class PendingPulls(int capacity, TimeSpan ttl, LimitBound? bound = null)
{
    // Keyed by the seeded id hash like every id cache: ByteString's own hash is unseeded, so chosen ids could collide.
    private readonly Dictionary<UInt128, PendingPull> _byId = new();
    private PendingPull? _oldest;
    private PendingPull? _newest;

    public int Count => _byId.Count;

    /// <summary>Pulls given up because too many were pending.</summary>
    public long Evictions { get; private set; }

    /// <summary>Pulls given up because they expired.</summary>
    public long Expirations { get; private set; }

    public PendingPull? Find(ByteString id, TimeSpan now)
    {
        Expire(now);
        return _byId.GetValueOrDefault(IdKeys.Of(id));
    }

    /// <summary>The pull for <paramref name="id"/>, made when missing (<paramref name="created"/>).</summary>
    public PendingPull GetOrAdd(ByteString id, TimeSpan now, out bool created)
    {
        Expire(now);
        var key = IdKeys.Of(id);
        if (_byId.TryGetValue(key, out var pull))
        {
            created = false;
            return pull;
        }
        if (_byId.Count >= capacity)
        {
            Remove(_oldest!);
            Evictions++;
            bound?.Hit();
        }
        pull = new PendingPull(id, now + ttl) { Older = _newest };
        if (_newest is null)
            _oldest = pull;
        else
            _newest.Newer = pull;
        _newest = pull;
        _byId.Add(key, pull);
        bound?.Observe(_byId.Count);
        created = true;
        return pull;
    }

    /// <summary>Ends the pull of an id that arrived or was given up; null when none was pending.</summary>
    public PendingPull? Take(ByteString id)
    {
        if (!_byId.TryGetValue(IdKeys.Of(id), out var pull))
            return null;
        Remove(pull);
        return pull;
    }

    public void Remove(PendingPull pull)
    {
        if (pull.Closed)
            return;
        pull.Closed = true;
        _byId.Remove(IdKeys.Of(pull.Id));
        if (pull.Older is null) _oldest = pull.Newer; else pull.Older.Newer = pull.Newer;
        if (pull.Newer is null) _newest = pull.Older; else pull.Newer.Older = pull.Older;
        pull.Older = pull.Newer = null;
    }

    /// <summary>Every pending pull (oldest first), for the rare walk when a link goes.</summary>
    public IEnumerable<PendingPull> All()
    {
        for (var pull = _oldest; pull is not null; pull = pull.Newer)
            yield return pull;
    }

    private void Expire(TimeSpan now)
    {
        while (_oldest is not null && _oldest.Expires <= now)
        {
            Remove(_oldest);
            Expirations++;
        }
    }
}
