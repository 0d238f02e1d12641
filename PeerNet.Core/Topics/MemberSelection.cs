namespace PeerNet.Topics;

/// <summary>What <see cref="MemberSelection.Offer"/> did with a member.</summary>
internal enum Offered : byte
{
    /// <summary>Counted toward max: yield it.</summary>
    Taken,

    /// <summary>Its responder has counted its share: kept aside in case the lookup ends short of max.</summary>
    HeldBack,

    /// <summary>Its address was found already (or the held-back list is full): dropped.</summary>
    Dropped,
}

/// <summary>
/// Which members one lookup yields: each address once, at most <see cref="PerResponder"/> of one responding node counted
/// toward max, so members of distinct responders come first and one hostile node cannot fill a lookup with its own.
/// A responder's further members wait (at most max of them) and are given only when the lookup ends short of max,
/// those of responders that offered fewest first: an honest node offers at most a sample, one flooding offers more, so
/// when the wait list is full a member of a more prolific responder makes room. One lookup's: not thread-safe.
/// </summary>
internal sealed class MemberSelection(int max, int perResponder)
{
    private readonly HashSet<string> _addresses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perNode = new(StringComparer.Ordinal);
    // Members each responder offered, taken or not (one entry per responder of one lookup: the lookup bounds its answers).
    private readonly Dictionary<string, int> _offered = new(StringComparer.Ordinal);
    private readonly List<TopicMember> _held = [];

    public int Max { get; } = max;

    public int PerResponder { get; } = perResponder;

    /// <summary>Members counted so far.</summary>
    public int Count { get; private set; }

    /// <summary>True once max members are counted: the lookup is done.</summary>
    public bool IsFull => Count >= Max;

    /// <summary>Takes a member of the node's own registry: trusted, so not held to the per-responder share.</summary>
    public bool TakeOwn(TopicMember member)
    {
        if (IsFull || !_addresses.Add(member.Address))
            return false;
        Count++;
        return true;
    }

    /// <summary>Offers a member a responder sent.</summary>
    public Offered Offer(TopicMember member)
    {
        if (IsFull || _addresses.Contains(member.Address))
            return Offered.Dropped;
        ref var offered = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_offered, member.NodeId, out _);
        offered++;
        var counted = _perNode.GetValueOrDefault(member.NodeId);
        if (counted >= PerResponder)
        {
            if (_held.Exists(h => h.Address == member.Address))
                return Offered.Dropped;
            if (_held.Count >= Max && !MakeRoomFor(offered))
                return Offered.Dropped;
            _held.Add(member);
            return Offered.HeldBack;
        }
        _addresses.Add(member.Address);
        _perNode[member.NodeId] = counted + 1;
        Count++;
        return Offered.Taken;
    }

    /// <summary>Drops the last held member of the responder that offered most, if it offered more than <paramref name="offered"/>.</summary>
    private bool MakeRoomFor(int offered)
    {
        var victim = -1;
        var most = offered;
        for (var i = _held.Count - 1; i >= 0; i--)
        {
            var count = _offered[_held[i].NodeId];
            if (count > most)
                (victim, most) = (i, count);
        }
        if (victim < 0)
            return false;
        _held.RemoveAt(victim);
        return true;
    }

    /// <summary>The held-back members that still fit, once the lookup has ended short of max, those of the responders that offered fewest first; each is counted.</summary>
    public List<TopicMember> DrainHeld()
    {
        var given = new List<TopicMember>();
        foreach (var member in _held.OrderBy(h => _offered[h.NodeId]))
        {
            if (IsFull)
                break;
            if (_addresses.Add(member.Address))
            {
                Count++;
                given.Add(member);
            }
        }
        _held.Clear();
        return given;
    }
}
