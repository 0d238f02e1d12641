using PeerNet.Protocol;
using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>Tree repair: control frames in (IHAVE, GRAFT, PRUNE, NACK), pulls of missing ids, the eager cap and dead links.</summary>
public sealed partial class PlumtreeRule
{
    /// <summary>A control frame (already checked by <see cref="ControlFrameValidator"/>) from <paramref name="from"/>.</summary>
    public void OnControl(GossipLink from, Control control) => OnControl(from, ControlFrame.From(control));

    /// <summary>A control frame (already checked by the session's decoder) from <paramref name="from"/>.</summary>
    public void OnControl(GossipLink from, ControlFrame control)
    {
        if (from?.Dissemination is not { TakesControl: true } peer)
        {
            Counters.ControlIgnored++;
            return;
        }
        peer.Heard = true;
        var now = _scheduler.Now;
        if (control.IsPrune)
        {
            Counters.PrunesReceived++;
            SetLazy(peer);
            peer.BackoffUntil = now + _settings.PruneBackoff;
        }
        foreach (var id in control.Ihaves)
            OnIhave(peer, id.Span, now);
        bool? lastResort = null; // read once, and only from a frame with grafts
        foreach (var id in control.Grafts)
            OnGraft(peer, id.Span, lastResort ??= control.IsLastResort, now);
        foreach (var id in control.Nacks)
            OnNack(peer, id.Span, now);
    }

    private void OnIhave(LinkState peer, ReadOnlySpan<byte> id, TimeSpan now)
    {
        Counters.IhaveReceived++;
        var key = IdKeys.Of(id);
        if (_seen.Contains(key, now))
        {
            peer.RemovePendingIhave(id); // both ends had it queued: the other flushed first
            return;
        }
        var pull = _pulls.GetOrAdd(key, id, now, peer.Link.Owner, out var created);
        Counters.PullEvictions = _pulls.Evictions;
        pull.AddAnnouncer(peer, _settings.MaxAnnouncersPerId);
        if (created)
            ArmTimer(pull); // give the eager copy GraftTimeout to arrive before pulling
        else if (pull.Waiting)
            AskNext(pull); // everyone asked already failed and the wait is over: ask the newcomer now
    }

    private void OnGraft(LinkState peer, ReadOnlySpan<byte> id, bool lastResort, TimeSpan now)
    {
        Counters.GraftsReceived++;
        var payload = _payloads.TryGetValue(IdKeys.Of(id), now, out var cached) ? cached : null;
        if (payload is null || (payload.Served >= _settings.ServeBudget && !lastResort)
            || payload.Served >= PeerNetLimits.GraftServesPerId || payload.WasServedTo(peer.Link.Owner))
        {
            // Spread the pulls of one id over many announcers; a last resort is served so no node is lost, but each
            // peer gets a copy once, and an id at most GraftServesPerId copies (L1: no amplification by repeating).
            Counters.GraftsNacked++;
            SendControl(peer, ControlFrame.Nack(id));
            Counters.NackSent++;
            return;
        }
        payload.RecordServe(peer.Link.Owner);
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

    private void OnNack(LinkState peer, ReadOnlySpan<byte> id, TimeSpan now)
    {
        Counters.NacksReceived++;
        var pull = _pulls.Find(IdKeys.Of(id), now);
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
        SendControl(target, ControlFrame.Graft(pull.Id.Span, lastResort));
        Counters.GraftSent++;
        if (lastResort)
            Counters.LastResortGraftSent++;
        ArmTimer(pull);
    }

    /// <summary>
    /// Keeps eager links to PeerNet peers at the cap: a hub's cold-start links (all eager) would otherwise keep it
    /// pushing to every peer. Unproved links go first, from a random place in the list so no peer is always chosen.
    /// </summary>
    private void DemoteOverCap(LinkState? keep)
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
    private void CheckSilence(LinkState peer, TimeSpan now)
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
    private void Prune(LinkState peer) => SendPrune(peer);

    private void SendPrune(LinkState peer)
    {
        SetLazy(peer);
        SendControl(peer, ControlFrame.Prune);
        Counters.PruneSent++;
    }
}
