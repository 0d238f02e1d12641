using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// Decides which peers get a full copy of an announce request and which get control frames (docs/dissemination.md).
/// In <see cref="DisseminationRule.Tree"/> mode it is Plumtree: full copies along eager links, IHAVE to lazy PeerNet
/// peers, GRAFT to pull a missing id and repair the tree, PRUNE on duplicates; original peers always get full copies.
/// </summary>
/// <remarks>
/// Not thread-safe: the caller serialises every call, including the scheduler's callbacks. Transport-agnostic: it
/// sees peers only as <see cref="IGossipLink"/>s and never blocks. It does not deliver to the application or route
/// responses; <see cref="OnRequest(IGossipLink, Announce)"/> tells the caller when a request is new.
/// </remarks>
public sealed class PlumtreeRouter
{
    private readonly DisseminationSettings _settings;
    private readonly IGossipScheduler _scheduler;
    private readonly RandomSource _random;
    private readonly bool _tree;
    private readonly Dictionary<IGossipLink, GossipPeer> _byLink = new(ReferenceEqualityComparer.Instance);
    private readonly List<GossipPeer> _peers = new();
    private readonly List<GossipPeer> _scratch = new();
    private readonly ExpiringCache<UInt128, bool> _seen;
    private readonly ExpiringCache<UInt128, CachedPayload> _payloads;
    private readonly PendingPulls _pulls;
    private readonly List<GossipPeer> _ihaveQueue = new();
    private bool _ihaveFlushArmed;
    private int _eagerControlLinks;
    private int _stamp;

    /// <summary>A router with no links yet.</summary>
    public PlumtreeRouter(DisseminationSettings settings, IGossipScheduler scheduler, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _tree = settings.Rule == DisseminationRule.Tree;
        _seen = new ExpiringCache<UInt128, bool>(settings.SeenCapacity, settings.SeenTtl);
        _payloads = new ExpiringCache<UInt128, CachedPayload>(settings.PayloadCapacity, settings.PayloadTtl);
        _pulls = new PendingPulls(settings.PullCapacity, settings.PullTtl);
    }

    /// <summary>What this router has done.</summary>
    public DisseminationCounters Counters { get; } = new();

    /// <summary>Links known.</summary>
    public int LinkCount => _peers.Count;

    /// <summary>Eager links to PeerNet peers (original peers, always pushed to, are not counted).</summary>
    public int EagerControlLinks => _eagerControlLinks;

    /// <summary>Ids in the seen cache.</summary>
    public int SeenCount => _seen.Count;

    /// <summary>Requests kept to answer GRAFTs.</summary>
    public int PayloadCount => _payloads.Count;

    /// <summary>Missing ids being pulled.</summary>
    public int PendingPullCount => _pulls.Count;

    /// <summary>True when <paramref name="link"/> gets full copies (always for an original peer).</summary>
    public bool IsEager(IGossipLink link) => _byLink.TryGetValue(link, out var peer) && (peer.IsEager || !peer.TakesControl);

    /// <summary>A new handshaken peer. It starts eager: the first announce floods, and duplicates prune the extra links.</summary>
    public void AddLink(IGossipLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (_byLink.ContainsKey(link))
            return;
        var peer = new GossipPeer(link) { Index = _peers.Count };
        _byLink.Add(link, peer);
        _peers.Add(peer);
        if (peer.TakesControl)
            _eagerControlLinks++;
    }

    /// <summary>A peer that went away: out of the eager and lazy sets and every announcer list.</summary>
    public void RemoveLink(IGossipLink link)
    {
        if (link is null || !_byLink.Remove(link, out var peer))
            return;
        SetLazy(peer);
        peer.Attached = false;
        peer.ClearPendingIhaves();
        var last = _peers[^1];
        _peers[peer.Index] = last;
        last.Index = peer.Index;
        _peers.RemoveAt(_peers.Count - 1);

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
        var frame = new Message { Request = request };
        if (_tree)
            PushTree(request.Id, key, frame, from: null, pull: null, now, own: true);
        else
            SendToAll(frame, except: null, own: true);
    }

    /// <summary>
    /// A validated announce request (not _hello or _addrs) received from <paramref name="from"/>. True when it is new:
    /// the caller then delivers it to the application. False for a duplicate (already seen).
    /// </summary>
    public bool OnRequest(IGossipLink from, Announce request) => OnRequest(from, request, out _);

    /// <summary>As <see cref="OnRequest(IGossipLink, Announce)"/>, also giving the id's key (hashed once per request).</summary>
    internal bool OnRequest(IGossipLink from, Announce request, out UInt128 key)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _scheduler.Now;
        var peer = from is null ? null : _byLink.GetValueOrDefault(from);
        if (peer is not null)
            peer.Heard = true;
        var id = request.Id;
        key = IdKeys.Of(id); // hashed once for the seen set, the payload cache and the caller's origins

        // Seen cache first: pull answers that arrive after the eager copy are duplicates like any other.
        if (_seen.Contains(key, now))
        {
            Counters.DuplicatesReceived++;
            peer?.RemovePendingIhave(id); // it has the id: no IHAVE for it
            if (_tree && peer is { TakesControl: true })
                Prune(peer);
            return false;
        }
        _seen.Set(key, true, now);
        Counters.SeenEvictions = _seen.Evictions;
        Counters.RequestsAccepted++;
        var pull = _pulls.Take(id);

        if (_tree && peer is { TakesControl: true })
        {
            // First receipt: this link is on the tree path from the source.
            SetEager(peer);
            peer.Proved = true;
            if (!peer.Spoken)
            {
                // Tree children are otherwise silent towards their parent; one frame tells it this peer is alive.
                SendControl(peer, ControlFrames.Ihave(id));
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

        // Forward what the original keeps: id, type, data, limit (always written), one more hop.
        var copy = new Announce { Id = id, Hops = request.Hops + 1, Limit = request.Limit };
        if (request.HasType)
            copy.Type = request.Type;
        if (request.HasData)
            copy.Data = request.Data;
        var frame = new Message { Request = copy };

        if (_tree)
            PushTree(id, key, frame, peer, pull, now, own: false);
        else
            SendToRandom(frame, peer);
        return true;
    }

    /// <summary>A control frame (already checked by <see cref="ControlFrameValidator"/>) from <paramref name="from"/>.</summary>
    public void OnControl(IGossipLink from, Control control)
    {
        ArgumentNullException.ThrowIfNull(control);
        if (!_tree || from is null || !_byLink.TryGetValue(from, out var peer) || !peer.TakesControl)
        {
            Counters.ControlIgnored++;
            return;
        }
        peer.Heard = true;
        var now = _scheduler.Now;
        if (control.Prune)
        {
            Counters.PrunesReceived++;
            SetLazy(peer);
            peer.BackoffUntil = now + _settings.PruneBackoff;
        }
        foreach (var id in control.Ihave)
            OnIhave(peer, id, now);
        foreach (var id in control.Graft)
            OnGraft(peer, id, control.LastResort, now);
        foreach (var id in control.Nack)
            OnNack(peer, id, now);
    }

    private void PushTree(ByteString id, UInt128 key, Message frame, GossipPeer? from, PendingPull? pull, TimeSpan now, bool own)
    {
        if (_eagerControlLinks > _settings.Fanout)
            DemoteOverCap(from);
        _payloads.Set(key, new CachedPayload(frame), now);
        Counters.PayloadEvictions = _payloads.Evictions;

        // Peers that announced the id to us have it: no IHAVE for them.
        var stamp = ++_stamp;
        if (pull is not null)
        {
            for (var i = 0; i < pull.AnnouncerCount; i++)
                pull.AnnouncerAt(i).Mark = stamp;
        }

        Message? ihave = null; // one frame shared by every lazy peer when IHAVEs go out at once
        foreach (var peer in _peers)
        {
            if (ReferenceEquals(peer, from))
                continue;
            if (peer.IsEager && peer.TakesControl && !peer.Heard)
                CheckSilence(peer, now);
            if (!peer.TakesControl || peer.IsEager)
            {
                SendCopy(peer, frame, own);
            }
            else if (peer.Mark != stamp)
            {
                // The node's own announce: its IHAVEs go at once, as own frames like its copies (they wait for room
                // where a batched flush could be dropped at a full queue), since they are the only way the announce
                // reaches the source's lazy peers. There is one source per announce, so this costs little.
                if (_settings.IhaveDelay > TimeSpan.Zero && !own)
                {
                    QueueIhave(peer, id);
                }
                else
                {
                    ihave ??= ControlFrames.Ihave(id);
                    SendControl(peer, ihave, own);
                    Counters.IhaveSent++;
                }
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="id"/> to the peer's next IHAVE frame; a full one (by ids or by bytes) goes out at once.
    /// </summary>
    private void QueueIhave(GossipPeer peer, ByteString id)
    {
        if (!peer.IhaveQueued)
        {
            peer.IhaveQueued = true;
            _ihaveQueue.Add(peer);
        }
        if (peer.AddPendingIhave(id))
            FlushIhaves(peer);
        if (!_ihaveFlushArmed)
        {
            _ihaveFlushArmed = true;
            // Jittered (1 to 2 delays): of two neighbours that both got the id, the one that flushes first usually
            // reaches the other before its own flush, which then leaves the id out.
            _scheduler.Schedule(_settings.IhaveDelay * (1 + _random.NextDouble()), FlushIhaves);
        }
    }

    /// <summary>Sends every queued IHAVE, one frame per peer.</summary>
    private void FlushIhaves()
    {
        _ihaveFlushArmed = false;
        foreach (var peer in _ihaveQueue)
        {
            peer.IhaveQueued = false;
            FlushIhaves(peer);
        }
        _ihaveQueue.Clear();
    }

    private void FlushIhaves(GossipPeer peer)
    {
        if (peer.PendingIhaves is not { Count: > 0 } pending)
            return;
        if (peer.Attached)
        {
            SendControl(peer, ControlFrames.Ihave(pending));
            Counters.IhaveSent += pending.Count;
        }
        peer.ClearPendingIhaves();
    }

    private void SendToAll(Message frame, GossipPeer? except, bool own)
    {
        foreach (var peer in _peers)
        {
            if (!ReferenceEquals(peer, except))
                SendCopy(peer, frame, own);
        }
    }

    /// <summary>The original's rule: <see cref="DisseminationSettings.Fanout"/> distinct random peers other than the sender.</summary>
    private void SendToRandom(Message frame, GossipPeer? except)
    {
        var candidates = _scratch;
        candidates.Clear();
        foreach (var peer in _peers)
        {
            if (!ReferenceEquals(peer, except))
                candidates.Add(peer);
        }
        var count = Math.Min(_settings.Fanout, candidates.Count);
        for (var i = 0; i < count; i++)
        {
            var j = i + _random.Next(candidates.Count - i);
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
            SendCopy(candidates[i], frame);
        }
        candidates.Clear();
    }

    private void OnIhave(GossipPeer peer, ByteString id, TimeSpan now)
    {
        Counters.IhaveReceived++;
        if (_seen.Contains(IdKeys.Of(id), now))
        {
            peer.RemovePendingIhave(id); // both ends had it queued: the other flushed first
            return;
        }
        var pull = _pulls.GetOrAdd(id, now, out var created);
        Counters.PullEvictions = _pulls.Evictions;
        pull.AddAnnouncer(peer, _settings.MaxAnnouncersPerId);
        if (created)
            ArmTimer(pull); // give the eager copy GraftTimeout to arrive before pulling
        else if (pull.Waiting)
            AskNext(pull); // everyone asked already failed and the wait is over: ask the newcomer now
    }

    private void OnGraft(GossipPeer peer, ByteString id, bool lastResort, TimeSpan now)
    {
        Counters.GraftsReceived++;
        var payload = _payloads.TryGetValue(IdKeys.Of(id), now, out var cached) ? cached : null;
        if (payload is null || (payload.Served >= _settings.ServeBudget && !lastResort))
        {
            // Spread the pulls of one id over many announcers; a last resort is always served so no node is lost.
            Counters.GraftsNacked++;
            SendControl(peer, ControlFrames.Nack(id));
            Counters.NackSent++;
            return;
        }
        payload.Served++;
        Counters.GraftsServed++;
        SendCopy(peer, payload.Frame);
        if (peer.IsEager)
            return;
        if (_eagerControlLinks < _settings.Fanout)
        {
            SetEager(peer);
            peer.Proved = true;
        }
        else
        {
            // At the cap: the asker gets its copy but must find another parent (it backs off from this node).
            Counters.GraftsOverCap++;
            SendPrune(peer);
        }
    }

    private void OnNack(GossipPeer peer, ByteString id, TimeSpan now)
    {
        Counters.NacksReceived++;
        var pull = _pulls.Find(id, now);
        if (pull is null || !pull.Nacked(peer, pull.AskedAsLastResort))
            return;
        AskNext(pull);
    }

    private void ArmTimer(PendingPull pull)
    {
        var generation = ++pull.Generation;
        _scheduler.Schedule(_settings.GraftTimeout, () => OnPullTimer(pull, generation));
    }

    private void OnPullTimer(PendingPull pull, int generation)
    {
        if (pull.Closed || generation != pull.Generation)
            return;
        if (pull.Asked is not null)
        {
            Counters.GraftTimeouts++;
            pull.TimedOut();
        }
        AskNext(pull);
    }

    /// <summary>GRAFTs the next announcer of a missing id, or waits for a new IHAVE when nobody is left to ask.</summary>
    private void AskNext(PendingPull pull)
    {
        var now = _scheduler.Now;
        if (pull.Closed)
            return;
        if (pull.Expires <= now || _seen.Contains(IdKeys.Of(pull.Id), now))
        {
            _pulls.Remove(pull);
            return;
        }
        var target = pull.Next(_random, now, out var lastResort);
        if (target is null)
        {
            pull.Waiting = true;
            pull.Generation++; // cancel the armed timer
            Counters.PullsAbandoned++;
            return;
        }
        pull.Waiting = false;
        SendControl(target, ControlFrames.Graft(pull.Id, lastResort));
        Counters.GraftSent++;
        if (lastResort)
            Counters.LastResortGraftSent++;
        ArmTimer(pull);
    }

    /// <summary>
    /// Keeps eager links to PeerNet peers at the cap: a hub's cold-start links (all eager) would otherwise keep it
    /// pushing to every peer. Unproved links go first, from a random place in the list so no peer is always chosen.
    /// </summary>
    private void DemoteOverCap(GossipPeer? keep)
    {
        var excess = _eagerControlLinks - _settings.Fanout;
        var start = _random.Next(_peers.Count);
        for (var pass = 0; pass < 2 && excess > 0; pass++)
        {
            for (var k = 0; k < _peers.Count && excess > 0; k++)
            {
                var peer = _peers[(start + k) % _peers.Count];
                if (ReferenceEquals(peer, keep) || !peer.TakesControl || !peer.IsEager || (pass == 0 && peer.Proved))
                    continue;
                Counters.CapDemotions++;
                SendPrune(peer);
                excess--;
            }
        }
    }

    /// <summary>
    /// A peer that never sent a frame and left a push unanswered for <see cref="DisseminationSettings.SilenceTimeout"/>
    /// is presumed dead: it gets IHAVEs from now on (no PRUNE: if it is alive after all, its pushes or GRAFTs fix it).
    /// </summary>
    private void CheckSilence(GossipPeer peer, TimeSpan now)
    {
        if (peer.UnansweredSince == TimeSpan.MinValue)
        {
            peer.UnansweredSince = now;
        }
        else if (now - peer.UnansweredSince >= _settings.SilenceTimeout)
        {
            SetLazy(peer);
            Counters.SilentDemotions++;
        }
    }

    /// <summary>A duplicate came over this link: it is not needed on the tree, at either end.</summary>
    private void Prune(GossipPeer peer) => SendPrune(peer);

    private void SendPrune(GossipPeer peer)
    {
        SetLazy(peer);
        SendControl(peer, ControlFrames.Prune);
        Counters.PruneSent++;
    }

    private void SetEager(GossipPeer peer)
    {
        if (peer.IsEager)
            return;
        peer.IsEager = true;
        if (peer.TakesControl && peer.Attached)
            _eagerControlLinks++;
    }

    private void SetLazy(GossipPeer peer)
    {
        peer.Proved = false;
        if (!peer.IsEager || !peer.TakesControl)
            return;
        peer.IsEager = false;
        if (peer.Attached)
            _eagerControlLinks--;
    }

    private void SendCopy(GossipPeer peer, Message frame, bool own = false)
    {
        peer.Spoken = true;
        Counters.CopiesSent++;
        if (!peer.Link.TrySend(frame, own))
            Counters.SendFailures++;
    }

    private void SendControl(GossipPeer peer, Message frame, bool own = false)
    {
        peer.Spoken = true;
        Counters.ControlFramesSent++;
        if (!peer.Link.TrySend(frame, own))
            Counters.SendFailures++;
    }
}
