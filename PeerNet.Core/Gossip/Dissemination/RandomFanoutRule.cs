using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// The original peernet's rule: own announces to every peer, others' to <see cref="DisseminationSettings.Fanout"/>
/// random peers other than the sender, no control frames. Kept for comparison and for networks of original nodes.
/// </summary>
public sealed class RandomFanoutRule : IDisseminationRule
{
    private readonly DisseminationSettings _settings;
    private readonly IGossipScheduler _scheduler;
    private readonly RandomSource _random;
    private readonly LinkSet _links = new();
    private readonly List<LinkState> _candidates = new();
    private readonly ExpiringCache<UInt128, bool> _seen;
    private readonly SharedFrames? _frames;

    /// <summary>A rule with no links yet.</summary>
    public RandomFanoutRule(DisseminationSettings settings, IGossipScheduler scheduler, RandomSource random)
        : this(settings, scheduler, random, frames: null)
    {
    }

    /// <summary>A rule with no links yet that takes its forwarded frames from <paramref name="frames"/> (a simulation's).</summary>
    internal RandomFanoutRule(DisseminationSettings settings, IGossipScheduler scheduler, RandomSource random, SharedFrames? frames)
    {
        _frames = frames;
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        // Each peer has a share of the seen ids: one peer's flood evicts its own entries, not the others' (H6).
        _seen = new ExpiringCache<UInt128, bool>(settings.SeenCapacity, settings.SeenTtl, settings.CachePresize)
        {
            Bound = settings.Limits?.SeenIds,
            OwnerShare = Math.Max(1, settings.SeenCapacity / PeerNetLimits.PeerCacheShareDivisor),
        };
    }

    /// <inheritdoc />
    public DisseminationCounters Counters { get; } = new();

    /// <inheritdoc />
    public int LinkCount => _links.Count;

    /// <inheritdoc />
    public int SeenCount => _seen.Count;

    /// <summary>
    /// Who gets a forward: moves <paramref name="fanout"/> distinct random members of <paramref name="candidates"/>
    /// to its front (a partial Fisher-Yates shuffle) and returns how many that is.
    /// </summary>
    public static int PickTargets<T>(IList<T> candidates, int fanout, RandomSource random)
    {
        var count = Math.Min(fanout, candidates.Count);
        for (var i = 0; i < count; i++)
        {
            var j = i + random.Next(candidates.Count - i);
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
        }
        return count;
    }

    /// <inheritdoc />
    public void AddLink(GossipLink link) => _links.Add(link);

    /// <inheritdoc />
    public void RemoveLink(GossipLink link) => _links.Remove(link);

    /// <inheritdoc />
    public void Publish(Announce request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _seen.Set(IdKeys.Of(request.Id), true, _scheduler.Now);
        Counters.SeenEvictions = _seen.Evictions;
        Counters.Published++;
        var frame = new Message { Request = request };
        foreach (var link in _links)
            Send(link, frame, own: true);
    }

    /// <inheritdoc />
    public bool OnRequest(GossipLink from, Announce request, out UInt128 key)
    {
        ArgumentNullException.ThrowIfNull(request);
        key = IdKeys.Of(request.Id);
        return OnRequest(from, request, key);
    }

    /// <inheritdoc />
    bool IDisseminationRule.HasSeen(UInt128 key, TimeSpan now) => _seen.Contains(key, now);

    /// <inheritdoc />
    bool IDisseminationRule.OnRequest(GossipLink from, Announce request, UInt128 key) => OnRequest(from, request, key);

    private bool OnRequest(GossipLink? from, Announce request, UInt128 key)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _scheduler.Now;
        if (_seen.Contains(key, now))
        {
            Counters.DuplicatesReceived++;
            return false;
        }
        _seen.Set(key, true, now, from?.Owner ?? 0);
        Counters.SeenEvictions = _seen.Evictions;
        Counters.RequestsAccepted++;
        if (!HopRule.Forwards(request.Hops, request.Limit, _settings.MaxHops))
        {
            Counters.NotForwarded++;
            return true;
        }
        var sender = from?.Dissemination;
        _candidates.Clear();
        foreach (var link in _links)
        {
            if (!ReferenceEquals(link, sender))
                _candidates.Add(link);
        }
        if (_candidates.Count == 0)
            return true;
        var frame = _frames?.Forward(key, request) ?? new Message { Request = Forwarded.Of(request) };
        var count = PickTargets(_candidates, _settings.Fanout, _random);
        for (var i = 0; i < count; i++)
            Send(_candidates[i], frame, own: false);
        _candidates.Clear();
        return true;
    }

    /// <inheritdoc />
    public void OnControl(GossipLink from, ControlFrame control) => Counters.ControlIgnored++; // the original has none

    /// <summary>As <see cref="OnControl(GossipLink, ControlFrame)"/>: ignored.</summary>
    public void OnControl(GossipLink from, Control control) => Counters.ControlIgnored++;

    private void Send(LinkState link, Message frame, bool own)
    {
        Counters.CopiesSent++;
        if (!link.Link.TrySend(frame, own))
            Counters.SendFailures++;
    }
}
