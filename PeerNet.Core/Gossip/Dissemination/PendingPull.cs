using Google.Protobuf;

namespace PeerNet.Gossip.Dissemination;

/// <summary>How far an announcer of a missing id has been asked.</summary>
internal enum AskState : byte
{
    /// <summary>Not asked yet.</summary>
    Untried,

    /// <summary>Asked; the answer is awaited.</summary>
    Asked,

    /// <summary>Answered NACK to a plain GRAFT: may still be asked once as a last resort.</summary>
    Nacked,

    /// <summary>Asked as a last resort, or did not answer in time: not asked again.</summary>
    Done,
}

/// <summary>An id this node heard of by IHAVE and has not received: who announced it, who was asked.</summary>
internal sealed class PendingPull(ByteString id, TimeSpan expires)
{
    private readonly List<(LinkState Peer, AskState State)> _announcers = new(2);

    public ByteString Id { get; } = id;

    public TimeSpan Expires { get; } = expires;

    /// <summary>The announcer whose answer is awaited, if any.</summary>
    public LinkState? Asked { get; private set; }

    /// <summary>Bumped to cancel the armed timer (timers cannot be withdrawn from the scheduler).</summary>
    public int Generation { get; set; }

    /// <summary>No one left to ask: the next IHAVE is asked at once.</summary>
    public bool Waiting { get; set; }

    /// <summary>Resolved or given up; its timers do nothing.</summary>
    public bool Closed { get; set; }

    // Intrusive FIFO list of PendingPulls: O(1) removal when the id arrives.
    public PendingPull? Older { get; set; }

    public PendingPull? Newer { get; set; }

    /// <summary>The link (<see cref="GossipLink.Owner"/>) whose IHAVE opened the pull, for its share; 0: nobody's.</summary>
    public int Owner { get; init; }

    // The same per owner: O(1) removal from its announcer's share.
    public PendingPull? OwnerOlder { get; set; }

    public PendingPull? OwnerNewer { get; set; }

    public int AnnouncerCount => _announcers.Count;

    public LinkState AnnouncerAt(int index) => _announcers[index].Peer;

    /// <summary>Adds an announcer; false when it is already known or the list is full.</summary>
    public bool AddAnnouncer(LinkState peer, int max)
    {
        if (_announcers.Count >= max)
            return false;
        foreach (var (known, _) in _announcers)
        {
            if (ReferenceEquals(known, peer))
                return false;
        }
        _announcers.Add((peer, AskState.Untried));
        return true;
    }

    /// <summary>Forgets a removed link; true when it was the one being asked.</summary>
    public bool RemoveAnnouncer(LinkState peer)
    {
        for (var i = 0; i < _announcers.Count; i++)
        {
            if (ReferenceEquals(_announcers[i].Peer, peer))
            {
                _announcers.RemoveAt(i);
                break;
            }
        }
        if (!ReferenceEquals(Asked, peer))
            return false;
        Asked = null;
        return true;
    }

    /// <summary>The awaited announcer did not answer in time.</summary>
    public void TimedOut() => Settle(AskState.Done);

    /// <summary><paramref name="peer"/> answered NACK; false when it was not the one asked.</summary>
    public bool Nacked(LinkState peer, bool wasLastResort)
    {
        if (!ReferenceEquals(Asked, peer))
            return false;
        Settle(wasLastResort ? AskState.Done : AskState.Nacked);
        return true;
    }

    /// <summary>True when the awaited GRAFT was sent as a last resort.</summary>
    public bool AskedAsLastResort { get; private set; }

    /// <summary>
    /// Picks who to ask next: a random untried announcer that has not pruned this node lately, else a random untried
    /// one, else one that NACKed (again, as a last resort). Random, not the first: the first is usually a hub.
    /// <paramref name="lastResort"/> is true when no untried announcer would be left.
    /// </summary>
    public LinkState? Next(RandomSource random, TimeSpan now, out bool lastResort)
    {
        lastResort = false;
        var untried = 0;
        var ready = 0;
        var nacked = 0;
        foreach (var (peer, state) in _announcers)
        {
            if (state == AskState.Untried)
            {
                untried++;
                if (peer.BackoffUntil <= now)
                    ready++;
            }
            else if (state == AskState.Nacked)
            {
                nacked++;
            }
        }

        int index;
        if (ready > 0)
            index = Pick(random.Next(ready), p => p.State == AskState.Untried && p.Peer.BackoffUntil <= now);
        else if (untried > 0)
            index = Pick(random.Next(untried), p => p.State == AskState.Untried);
        else if (nacked > 0)
            index = Pick(random.Next(nacked), p => p.State == AskState.Nacked);
        else
            return null;

        var chosen = _announcers[index];
        lastResort = chosen.State == AskState.Nacked || untried == 1;
        _announcers[index] = (chosen.Peer, AskState.Asked);
        Asked = chosen.Peer;
        AskedAsLastResort = lastResort;
        return chosen.Peer;
    }

    private int Pick(int nth, Func<(LinkState Peer, AskState State), bool> eligible)
    {
        for (var i = 0; i < _announcers.Count; i++)
        {
            if (eligible(_announcers[i]) && nth-- == 0)
                return i;
        }
        throw new InvalidOperationException("announcer count changed while picking");
    }

    private void Settle(AskState state)
    {
        for (var i = 0; i < _announcers.Count; i++)
        {
            if (ReferenceEquals(_announcers[i].Peer, Asked))
            {
                _announcers[i] = (Asked!, state);
                break;
            }
        }
        Asked = null;
    }
}
