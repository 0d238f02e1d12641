using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// Plumtree (epidemic broadcast trees), the default rule: full copies along eager links, IHAVE to lazy PeerNet peers,
/// GRAFT to pull a missing id and repair the tree (PlumtreeRule.Repair.cs), PRUNE on duplicates; IHAVEs are gathered
/// per peer (PlumtreeRule.Ihave.cs); original peers always get full copies.
/// </summary>
/// <remarks>Not thread-safe: the caller serialises every call, including the scheduler's callbacks. Never blocks.</remarks>
public sealed partial class PlumtreeRule : IDisseminationRule
{
    private readonly DisseminationSettings _settings;
    private readonly IGossipScheduler _scheduler;
    private readonly RandomSource _random;
    private readonly LinkSet _peers = new();
    private readonly ExpiringCache<UInt128, bool> _seen;
    private readonly ExpiringCache<UInt128, CachedPayload> _payloads;
    private readonly PendingPulls _pulls;
    private readonly SharedFrames? _frames;
    private readonly List<LinkState> _ihaveQueue = new();
    private readonly Action _flushIhaves; // one delegate, not one per flush
    private bool _ihaveFlushArmed;
    private int _eagerControlLinks;
    private int _stamp;

    /// <summary>A rule with no links yet.</summary>
    public PlumtreeRule(DisseminationSettings settings, IGossipScheduler scheduler, RandomSource random)
        : this(settings, scheduler, random, frames: null)
    {
    }

    /// <summary>A rule with no links yet that takes its forwarded frames from <paramref name="frames"/> (a simulation's).</summary>
    internal PlumtreeRule(DisseminationSettings settings, IGossipScheduler scheduler, RandomSource random, SharedFrames? frames)
    {
        _frames = frames;
        _flushIhaves = FlushIhaves;
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        // Each peer has a share of the id caches: one peer's flood evicts its own entries, not the others' (H6).
        _seen = new ExpiringCache<UInt128, bool>(settings.SeenCapacity, settings.SeenTtl, settings.CachePresize)
        {
            Bound = settings.Limits?.SeenIds,
            OwnerShare = Math.Max(1, settings.SeenCapacity / PeerNetLimits.PeerCacheShareDivisor),
        };
        _payloads = new ExpiringCache<UInt128, CachedPayload>(settings.PayloadCapacity, settings.PayloadTtl, settings.CachePresize)
        {
            Bound = settings.Limits?.Payloads,
            OwnerShare = Math.Max(1, settings.PayloadCapacity / PeerNetLimits.PeerCacheShareDivisor),
        };
        _pulls = new PendingPulls(settings.PullCapacity, settings.PullTtl, settings.Limits?.PendingPulls);
    }

    /// <inheritdoc />
    public DisseminationCounters Counters { get; } = new();

    /// <inheritdoc />
    public int LinkCount => _peers.Count;

    /// <summary>Eager links to PeerNet peers (original peers, always pushed to, are not counted).</summary>
    public int EagerControlLinks => _eagerControlLinks;

    /// <inheritdoc />
    public int SeenCount => _seen.Count;

    /// <summary>Requests kept to answer GRAFTs.</summary>
    public int PayloadCount => _payloads.Count;

    /// <summary>Missing ids being pulled.</summary>
    public int PendingPullCount => _pulls.Count;

    /// <summary>True when <paramref name="link"/> gets full copies (always for an original peer).</summary>
    public bool IsEager(GossipLink link) => link.Dissemination is { } peer && (peer.IsEager || !peer.TakesControl);

    /// <summary>
    /// A new handshaken peer: eager while this node has fewer than <see cref="DisseminationSettings.InitialEager"/>
    /// eager links to PeerNet peers, else lazy (a first copy over it or its GRAFT makes it eager). Original peers are
    /// always eager.
    /// </summary>
    public void AddLink(GossipLink link)
    {
        if (_peers.Add(link) is not { TakesControl: true } peer)
            return;
        if (_eagerControlLinks < Math.Min(_settings.InitialEager, _settings.Fanout))
            _eagerControlLinks++;
        else
            peer.IsEager = false;
    }

    /// <summary>A peer that went away: out of the eager and lazy sets and every announcer list.</summary>
    public void RemoveLink(GossipLink link)
    {
        if (link?.Dissemination is not { } peer)
            return;
        SetLazy(peer);
        _peers.Remove(link);
        peer.ClearPendingIhaves();

        // Rare (a link going), so a walk over the bounded pending pulls is fine.
        var affected = new List<PendingPull>();
        foreach (var pull in _pulls.All())
        {
            if (pull.RemoveAnnouncer(peer))
                affected.Add(pull);
        }
        foreach (var pull in affected)
            AskNext(pull);
    }

    /// <summary>
    /// The node's own announce: marks it seen and pushes it with the hops the caller gave (usually 0; no hop is added).
    /// </summary>
    public void Publish(Announce request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _scheduler.Now;
        var key = IdKeys.Of(request.Id); // hashed once for the seen set and the payload cache
        _seen.Set(key, true, now);
        _pulls.Take(request.Id);
        Counters.SeenEvictions = _seen.Evictions;
        Counters.Published++;
        PushTree(request.Id, key, new Message { Request = request }, from: null, pull: null, now, own: true);
    }

    /// <summary>As <see cref="OnRequest(GossipLink, Announce, out UInt128)"/>, without the key.</summary>
    public bool OnRequest(GossipLink from, Announce request) => OnRequest(from, request, out _);

    /// <inheritdoc />
    public bool OnRequest(GossipLink from, Announce request, out UInt128 key)
    {
        ArgumentNullException.ThrowIfNull(request);
        key = IdKeys.Of(request.Id); // hashed once for the seen set, the payload cache and the caller's origins
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
        var peer = from?.Dissemination;
        if (peer is not null)
            peer.Heard = true;
        var id = request.Id;

        // Seen cache first: pull answers that arrive after the eager copy are duplicates like any other.
        if (_seen.Contains(key, now))
        {
            Counters.DuplicatesReceived++;
            peer?.RemovePendingIhave(id.Span); // it has the id: no IHAVE for it
            if (peer is { TakesControl: true })
                Prune(peer);
            return false;
        }
        _seen.Set(key, true, now, from?.Owner ?? 0);
        Counters.SeenEvictions = _seen.Evictions;
        Counters.RequestsAccepted++;
        var pull = _pulls.Take(id);

        if (peer is { TakesControl: true })
        {
            // First receipt: this link is on the tree path from the source.
            SetEager(peer);
            peer.Proved = true;
            if (!peer.Spoken)
            {
                // Tree children are otherwise silent towards their parent; one frame tells it this peer is alive.
                SendControl(peer, ControlFrame.Ihave(id.Span));
                Counters.AcksSent++;
            }
        }

        if (!HopRule.Forwards(request.Hops, request.Limit, _settings.MaxHops))
        {
            Counters.NotForwarded++;
            return true;
        }

        if (_peers.Count == (peer is null ? 0 : 1))
        {
            // Nobody but the sender to forward to (a leaf): no copy to build, and no payload to keep, since only a
            // peer this node sent an IHAVE to would ever ask for it.
            return true;
        }

        var frame = _frames?.Forward(key, request) ?? new Message { Request = Forwarded.Of(request) };
        PushTree(id, key, frame, peer, pull, now, own: false);
        return true;
    }

    private void PushTree(ByteString id, UInt128 key, Message frame, LinkState? from, PendingPull? pull, TimeSpan now, bool own)
    {
        if (_eagerControlLinks > _settings.Fanout)
            DemoteOverCap(from);

        // Peers that announced the id to us have it: no IHAVE for them.
        var stamp = ++_stamp;
        if (pull is not null)
        {
            for (var i = 0; i < pull.AnnouncerCount; i++)
                pull.AnnouncerAt(i).Mark = stamp;
        }

        ControlFrame? ihave = null; // one frame shared by every lazy peer when IHAVEs go out at once
        var announced = false;
        foreach (var peer in _peers)
        {
            if (peer.IsEager && peer.TakesControl && !peer.Heard && !ReferenceEquals(peer, from))
                CheckSilence(peer, now);
            switch (DeliveryFor(ReferenceEquals(peer, from), peer.TakesControl, peer.IsEager, announcedIt: peer.Mark == stamp))
            {
                case TreeDelivery.Copy:
                    SendCopy(peer, frame, own);
                    break;
                // The node's own announce: its IHAVEs go at once, as own frames like its copies (they wait for room
                // where a batched flush could be dropped at a full queue), since they are the only way the announce
                // reaches the source's lazy peers. There is one source per announce, so this costs little.
                case TreeDelivery.Ihave when _settings.IhaveDelay > TimeSpan.Zero && !own:
                    announced = true;
                    QueueIhave(peer, id);
                    break;
                case TreeDelivery.Ihave:
                    announced = true;
                    ihave ??= ControlFrame.Ihave(id.Span);
                    SendControl(peer, ihave.Value, own);
                    Counters.IhaveSent++;
                    break;
            }
        }
        // Only a peer this node sent an IHAVE can ask for the payload (GRAFT): with none, nothing needs keeping.
        if (announced)
        {
            _payloads.Set(key, new CachedPayload(frame), now, from?.Link.Owner ?? 0);
            Counters.PayloadEvictions = _payloads.Evictions;
        }
    }

    /// <summary>
    /// Who gets what of a request this node forwards or publishes: nothing back to its sender; a full copy over an
    /// eager link and to an original peer (which takes nothing else); an IHAVE to a lazy PeerNet peer, unless that peer
    /// announced the id to this node itself.
    /// </summary>
    public static TreeDelivery DeliveryFor(bool isSender, bool takesControlFrames, bool isEager, bool announcedIt) =>
        isSender ? TreeDelivery.None
        : !takesControlFrames || isEager ? TreeDelivery.Copy
        : announcedIt ? TreeDelivery.None
        : TreeDelivery.Ihave;

    private void SetEager(LinkState peer)
    {
        if (peer.IsEager)
            return;
        peer.IsEager = true;
        if (peer.TakesControl && peer.Attached)
            _eagerControlLinks++;
    }

    private void SetLazy(LinkState peer)
    {
        peer.Proved = false;
        if (!peer.IsEager || !peer.TakesControl)
            return;
        peer.IsEager = false;
        if (peer.Attached)
            _eagerControlLinks--;
    }

    private void SendCopy(LinkState peer, Message frame, bool own = false)
    {
        peer.Spoken = true;
        Counters.CopiesSent++;
        if (!peer.Link.TrySend(frame, own))
            Counters.SendFailures++;
    }

    private void SendControl(LinkState peer, ControlFrame frame, bool own = false)
    {
        peer.Spoken = true;
        Counters.ControlFramesSent++;
        if (!peer.Link.TrySend(frame, own))
            Counters.SendFailures++;
    }
}
