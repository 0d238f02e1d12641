using Microsoft.Extensions.Options;

namespace PeerNet.Topics;

/// <summary>
/// The topic members this node holds (library joins and REST registrations), bounded per node
/// (<see cref="PeerNetOptions.TopicRegistrations"/>), per topic (<see cref="PeerNetOptions.TopicMembersPerTopic"/>), per
/// REST client (<see cref="PeerNetOptions.TopicAddressesPerClient"/>) and per registration; each with a time to live of
/// at most <see cref="PeerNetLimits.MaxTopicTtl"/>. Expired members are never answered: each read drops those of its
/// topic, and a full registry drops them all before it refuses. Thread-safe (a lock: the REST API, the library's
/// renewals and the router's loop all use it, each briefly).
/// </summary>
public sealed class TopicRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Topic> _topics = new(StringComparer.Ordinal); // by hash, lowercase hex
    private readonly Dictionary<string, int> _owned = new(StringComparer.Ordinal); // members per REST client
    private readonly PeerNetOptions _options;
    private readonly PeerNetLimits _limits;
    private readonly TimeProvider _time;
    private int _count;

    /// <summary>Creates the registry of a node.</summary>
    public TopicRegistry(IOptions<PeerNetOptions> options, PeerNetLimits limits, TimeProvider time, PeerNetMetrics metrics)
    {
        _options = options.Value;
        _limits = limits;
        _time = time;
        metrics.ObserveGauge("peernet.topics.registrations", "{member}", "Topic members this node holds (expired ones until they are dropped).", () => Volatile.Read(ref _count));
    }

    /// <summary>Members held right now (expired ones included until a read or a full registry drops them).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Adds <paramref name="addresses"/> to <paramref name="topic"/>, or renews those already in it, for
    /// <paramref name="ttl"/>; <paramref name="owner"/> is the REST client (its IP) or null for the library.
    /// All or nothing: a registration that would pass a bound registers nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The topic, an address or the ttl is invalid; the parameter name says which.</exception>
    /// <exception cref="TopicLimitException">A bound would be passed.</exception>
    public TopicRegistrationResult Register(string topic, IReadOnlyList<string> addresses, TimeSpan ttl, string? owner)
    {
        var hash = TopicName.HashHex(Checked(topic));
        var wanted = CheckAddresses(addresses);
        if (ttl < TimeSpan.FromSeconds(1) || ttl > PeerNetLimits.MaxTopicTtl)
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, $"ttl must be 1 s to {PeerNetLimits.MaxTopicTtl.TotalMinutes:0} minutes.");
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_topics.TryGetValue(hash, out var entry))
                entry = new Topic(topic);
            Expire(hash, entry, now);
            if (!Fits(entry, wanted, owner))
            {
                ExpireAll(now); // expired members still counted toward the node's and the clients' totals
                Fits(entry, wanted, owner, throwIfNot: true);
            }
            _topics[hash] = entry;
            int added = 0, renewed = 0;
            foreach (var address in wanted)
            {
                if (entry.Members.TryGetValue(address, out var member))
                {
                    renewed++;
                    Disown(member.Owner);
                    entry.Members[address] = member with { Owner = owner, ExpiresAt = now + ttl };
                }
                else
                {
                    added++;
                    _count++;
                    entry.Members[address] = new RegisteredMember(address, owner, now, now + ttl);
                }
                if (owner is not null)
                    _owned[owner] = _owned.GetValueOrDefault(owner) + 1;
            }
            _limits.TopicRegistrations.Observe(_count);
            return new TopicRegistrationResult(added, renewed, now + ttl);
        }
    }

    /// <summary>Removes <paramref name="addresses"/> from <paramref name="topic"/>; returns how many were members.</summary>
    /// <exception cref="ArgumentException">The topic or an address is invalid.</exception>
    public int Remove(string topic, IReadOnlyList<string> addresses)
    {
        var hash = TopicName.HashHex(Checked(topic));
        var wanted = CheckAddresses(addresses);
        lock (_gate)
        {
            if (!_topics.TryGetValue(hash, out var entry))
                return 0;
            var removed = 0;
            foreach (var address in wanted)
            {
                if (entry.Members.Remove(address, out var member))
                {
                    removed++;
                    Drop(member);
                }
            }
            if (entry.Members.Count == 0)
                _topics.Remove(hash);
            return removed;
        }
    }

    /// <summary>Every topic this node holds members of, with its members not expired.</summary>
    public IReadOnlyList<RegisteredTopic> List()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            ExpireAll(now);
            return [.. _topics.OrderBy(t => t.Value.Name, StringComparer.Ordinal)
                .Select(t => new RegisteredTopic(t.Value.Name, t.Key, [.. t.Value.Members.Values.OrderBy(m => m.Address, StringComparer.Ordinal)]))];
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> members of the topic with hash <paramref name="hash"/>, not expired, at random
    /// when it has more (a topic of thousands answers a sample), each with its age.
    /// </summary>
    internal List<(string Address, TimeSpan Age)> Sample(string hash, int count, RandomSource random)
    {
        var now = _time.GetUtcNow();
        var sample = new List<(string, TimeSpan)>(Math.Min(count, 16));
        lock (_gate)
        {
            if (!_topics.TryGetValue(hash, out var entry) || !Expire(hash, entry, now))
                return sample;
            // Reservoir sampling: one pass, no copy of a large topic.
            var seen = 0;
            foreach (var member in entry.Members.Values)
            {
                var item = (member.Address, now - member.RegisteredAt);
                if (sample.Count < count)
                    sample.Add(item);
                else if (random.Next(seen + 1) is var slot && slot < count)
                    sample[slot] = item;
                seen++;
            }
        }
        return sample;
    }

    private static string Checked(string topic) =>
        TopicName.Check(topic) is { } error ? throw new ArgumentException(error, nameof(topic)) : topic;

    private HashSet<string> CheckAddresses(IReadOnlyList<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count == 0)
            throw new ArgumentException("give at least one address.", nameof(addresses));
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < addresses.Count; i++)
        {
            if (TopicName.CheckAddress(addresses[i]) is { } error)
                throw new ArgumentException($"addresses[{i}]: {error}", nameof(addresses));
            wanted.Add(addresses[i]);
        }
        if (wanted.Count > _options.TopicAddressesPerRegistration)
        {
            _limits.TopicRegistrationAddresses.Hit();
            throw new ArgumentException($"at most {_options.TopicAddressesPerRegistration} addresses per registration (PeerNet:TopicAddressesPerRegistration; got {wanted.Count}).", nameof(addresses));
        }
        return wanted;
    }

    // Whether the registration fits every bound; with throwIfNot, throws naming the one it passes.
    private bool Fits(Topic entry, HashSet<string> wanted, string? owner, bool throwIfNot = false)
    {
        int fresh = 0, toOwner = 0;
        foreach (var address in wanted)
        {
            if (!entry.Members.TryGetValue(address, out var member))
            {
                fresh++;
                toOwner++;
            }
            else if (member.Owner != owner)
                toOwner++;
        }
        if (entry.Members.Count + fresh > _options.TopicMembersPerTopic)
            return !throwIfNot ? false : throw Refuse(_limits.TopicMembers, $"the topic has {entry.Members.Count} members here; PeerNet:TopicMembersPerTopic allows {_options.TopicMembersPerTopic}.");
        if (_count + fresh > _options.TopicRegistrations)
            return !throwIfNot ? false : throw Refuse(_limits.TopicRegistrations, $"this node holds {_count} members; PeerNet:TopicRegistrations allows {_options.TopicRegistrations}.");
        if (owner is not null && _owned.GetValueOrDefault(owner) + toOwner > _options.TopicAddressesPerClient)
            return !throwIfNot ? false : throw Refuse(_limits.TopicClientAddresses, $"this client holds {_owned.GetValueOrDefault(owner)} members; PeerNet:TopicAddressesPerClient allows {_options.TopicAddressesPerClient}.");
        return true;
    }

    private static TopicLimitException Refuse(LimitBound bound, string message)
    {
        bound.Hit();
        return new TopicLimitException(bound.Name, "Not registered: " + message);
    }

    // Drops the topic's expired members; false when none is left (the topic is gone).
    private bool Expire(string hash, Topic entry, DateTimeOffset now)
    {
        List<string>? gone = null;
        foreach (var member in entry.Members.Values)
        {
            if (member.ExpiresAt <= now)
                (gone ??= []).Add(member.Address);
        }
        if (gone is not null)
        {
            foreach (var address in gone)
            {
                entry.Members.Remove(address, out var member);
                Drop(member!);
            }
        }
        if (entry.Members.Count > 0)
            return true;
        _topics.Remove(hash);
        return false;
    }

    private void ExpireAll(DateTimeOffset now)
    {
        foreach (var (hash, entry) in _topics.ToList())
            Expire(hash, entry, now);
    }

    private void Drop(RegisteredMember member)
    {
        _count--;
        Disown(member.Owner);
    }

    private void Disown(string? owner)
    {
        if (owner is null)
            return;
        var left = _owned.GetValueOrDefault(owner) - 1;
        if (left > 0)
            _owned[owner] = left;
        else
            _owned.Remove(owner);
    }

    private sealed class Topic(string name)
    {
        public string Name { get; } = name;

        public Dictionary<string, RegisteredMember> Members { get; } = new(StringComparer.Ordinal);
    }
}
