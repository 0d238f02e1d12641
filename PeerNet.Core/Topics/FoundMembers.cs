using PeerNet.Gossip;

namespace PeerNet.Topics;

/// <summary>
/// Members this node's lookups found, by topic hash, for <see cref="PeerNetOptions.TopicCacheSeconds"/>: a lookup of
/// the same topic within that time that wants no more than the cache holds costs the network nothing. At most
/// <see cref="PeerNetLimits.TopicCacheCapacity"/> topics, each at most <see cref="PeerNetLimits.MaxTopicFindMembers"/>
/// members. Thread-safe (a lock: lookups run on callers' threads).
/// </summary>
internal sealed class FoundMembers(PeerNetOptions options, PeerNetLimits limits, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(Math.Max(1, options.TopicCacheSeconds));
    private readonly ExpiringCache<string, List<Found>> _cache = new(PeerNetLimits.TopicCacheCapacity, TimeSpan.FromSeconds(Math.Max(1, options.TopicCacheSeconds)))
    {
        Bound = limits.TopicCache,
    };
    private readonly long _started = time.GetTimestamp();
    private readonly bool _enabled = options.TopicCacheSeconds > 0;

    /// <summary>The members cached for <paramref name="hash"/>, ages brought up to now; empty when none.</summary>
    public List<TopicMember> Get(string hash)
    {
        if (!_enabled)
            return [];
        var now = time.GetElapsedTime(_started);
        lock (_gate)
        {
            if (!_cache.TryGetValue(hash, now, out var found))
                return [];
            // Each member lives a cache time from when it was found, however often its topic is looked up again.
            return [.. found.Where(f => now - f.At < _ttl).Select(f => f.Member with { Age = f.Member.Age + (now - f.At) })];
        }
    }

    /// <summary>Adds what a lookup found to the topic's entry (which then lives a full cache time from now).</summary>
    public void Add(string hash, IReadOnlyList<TopicMember> members)
    {
        if (!_enabled || members.Count == 0)
            return;
        var now = time.GetElapsedTime(_started);
        lock (_gate)
        {
            var merged = _cache.TryGetValue(hash, now, out var found) ? found : [];
            // Members seen again replace their older copy; the oldest go first past the bound.
            merged.RemoveAll(f => now - f.At >= _ttl || members.Any(m => m.Address == f.Member.Address && m.NodeId == f.Member.NodeId));
            merged.AddRange(members.Select(m => new Found(m, now)));
            if (merged.Count > PeerNetLimits.MaxTopicFindMembers)
                merged.RemoveRange(0, merged.Count - PeerNetLimits.MaxTopicFindMembers);
            _cache.Set(hash, merged, now);
        }
    }

    private readonly record struct Found(TopicMember Member, TimeSpan At);
}
