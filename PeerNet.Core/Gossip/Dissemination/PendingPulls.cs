using Google.Protobuf;

namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// Missing ids being pulled, bounded by count and age; the oldest are given up first. Each announcer that opened pulls
/// has a share (<see cref="PeerNetLimits.PeerCacheShareDivisor"/>), as in <see cref="ExpiringCache{TKey, TValue}"/>:
/// once full, one at or over its share gives up its own oldest, anyone else an over-share announcer's oldest, so a
/// peer announcing ids it never serves cannot push out the pulls of ids others announced (threat H6).
/// </summary>
internal sealed class PendingPulls(int capacity, TimeSpan ttl, LimitBound? bound = null)
{
    private readonly int _share = Math.Max(1, capacity / PeerNetLimits.PeerCacheShareDivisor);
    // Made at the first owned pull: most simulated nodes never pull.
    private Dictionary<int, Chain>? _owners;
    private List<int>? _heavy; // owners that reached their share (some may have fallen back under it)

    // Keyed by the seeded id hash like every id cache: ByteString's own hash is unseeded, so chosen ids could collide.
    private readonly Dictionary<UInt128, PendingPull> _byId = new();
    private PendingPull? _oldest;
    private PendingPull? _newest;

    public int Count => _byId.Count;

    /// <summary>Pulls given up because too many were pending.</summary>
    public long Evictions { get; private set; }

    /// <summary>Pulls given up because they expired.</summary>
    public long Expirations { get; private set; }

    public PendingPull? Find(ByteString id, TimeSpan now) => Find(IdKeys.Of(id), now);

    /// <summary>The pull of the id with <paramref name="key"/>; null when none is pending.</summary>
    public PendingPull? Find(UInt128 key, TimeSpan now)
    {
        Expire(now);
        return _byId.GetValueOrDefault(key);
    }

    /// <summary>The pull for <paramref name="id"/>, made when missing (<paramref name="created"/>).</summary>
    public PendingPull GetOrAdd(ByteString id, TimeSpan now, out bool created) => GetOrAdd(id, now, owner: 0, out created);

    /// <summary>Pulls opened by <paramref name="owner"/> and still pending.</summary>
    public int CountOf(int owner) => _owners is not null && _owners.TryGetValue(owner, out var chain) ? chain.Count : 0;

    /// <summary>The pull for <paramref name="id"/>, made on behalf of <paramref name="owner"/> (0: nobody) when missing.</summary>
    public PendingPull GetOrAdd(ByteString id, TimeSpan now, int owner, out bool created) =>
        GetOrAdd(IdKeys.Of(id), id.Span, id, now, owner, out created);

    /// <summary>
    /// As <see cref="GetOrAdd(ByteString, TimeSpan, int, out bool)"/> for an id known by its bytes and key: a new pull
    /// keeps a copy of the id, not the received frame it was read from.
    /// </summary>
    public PendingPull GetOrAdd(UInt128 key, ReadOnlySpan<byte> id, TimeSpan now, int owner, out bool created) =>
        GetOrAdd(key, id, owned: null, now, owner, out created);

    /// <summary>The pull for the id, made when missing with <paramref name="owned"/> as its id, or a copy of <paramref name="id"/>.</summary>
    private PendingPull GetOrAdd(UInt128 key, ReadOnlySpan<byte> id, ByteString? owned, TimeSpan now, int owner, out bool created)
    {
        Expire(now);
        if (_byId.TryGetValue(key, out var pull))
        {
            created = false;
            return pull;
        }
        if (_byId.Count >= capacity)
        {
            Remove(OldestOf(owner) ?? OldestOfHeavy() ?? _oldest!);
            Evictions++;
            bound?.Hit();
        }
        pull = new PendingPull(owned ?? ByteString.CopyFrom(id), now + ttl) { Older = _newest, Owner = owner };
        if (owner != 0)
            Claim(pull);
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
        if (pull.Owner != 0 && _owners is not null && _owners.TryGetValue(pull.Owner, out var chain))
        {
            if (pull.OwnerOlder is null) chain.Oldest = pull.OwnerNewer; else pull.OwnerOlder.OwnerNewer = pull.OwnerNewer;
            if (pull.OwnerNewer is null) chain.Newest = pull.OwnerOlder; else pull.OwnerNewer.OwnerOlder = pull.OwnerOlder;
            pull.OwnerOlder = pull.OwnerNewer = null;
            if (--chain.Count == 0)
                _owners.Remove(pull.Owner);
        }
    }

    private void Claim(PendingPull pull)
    {
        var owners = _owners ??= new Dictionary<int, Chain>();
        if (!owners.TryGetValue(pull.Owner, out var chain))
            owners[pull.Owner] = chain = new Chain();
        pull.OwnerOlder = chain.Newest;
        if (chain.Newest is null)
            chain.Oldest = pull;
        else
            chain.Newest.OwnerNewer = pull;
        chain.Newest = pull;
        if (++chain.Count == _share && !(_heavy ??= new List<int>()).Contains(pull.Owner))
            _heavy.Add(pull.Owner);
    }

    /// <summary>The oldest pull of an owner at or over its share; null when it is under it.</summary>
    private PendingPull? OldestOf(int owner) =>
        owner != 0 && _owners is not null && _owners.TryGetValue(owner, out var chain) && chain.Count >= _share ? chain.Oldest : null;

    private PendingPull? OldestOfHeavy()
    {
        if (_heavy is null)
            return null;
        for (var i = _heavy.Count - 1; i >= 0; i--)
        {
            if (OldestOf(_heavy[i]) is { } pull)
                return pull;
            _heavy.RemoveAt(i);
        }
        return null;
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

    /// <summary>One owner's pulls, oldest first (an intrusive list through <see cref="PendingPull.OwnerOlder"/>).</summary>
    private sealed class Chain
    {
        public PendingPull? Oldest;

        public PendingPull? Newest;

        public int Count;
    }
}
