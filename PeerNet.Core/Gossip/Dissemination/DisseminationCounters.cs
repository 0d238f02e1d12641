namespace PeerNet.Gossip.Dissemination;

/// <summary>What one <see cref="IDisseminationRule"/> has done since it was made. Plain fields of a single-threaded router: read them on its context.</summary>
public sealed class DisseminationCounters
{
    /// <summary>New announce requests accepted (published ones not included).</summary>
    public long RequestsAccepted { get; internal set; }

    /// <summary>Requests this node published.</summary>
    public long Published { get; internal set; }

    /// <summary>Requests received again (already seen), including pull answers that came after the eager copy.</summary>
    public long DuplicatesReceived { get; internal set; }

    /// <summary>New requests not forwarded because the next hop would break MaxHops or the request's limit.</summary>
    public long NotForwarded { get; internal set; }

    /// <summary>Full announce frames handed to links (pushes and GRAFT answers).</summary>
    public long CopiesSent { get; internal set; }

    /// <summary>Control frames handed to links.</summary>
    public long ControlFramesSent { get; internal set; }

    /// <summary>IHAVE ids sent.</summary>
    public long IhaveSent { get; internal set; }

    /// <summary>GRAFT ids sent.</summary>
    public long GraftSent { get; internal set; }

    /// <summary>GRAFTs sent as a last resort.</summary>
    public long LastResortGraftSent { get; internal set; }

    /// <summary>PRUNE frames sent (duplicates, the eager cap and over-cap GRAFTs).</summary>
    public long PruneSent { get; internal set; }

    /// <summary>NACK ids sent.</summary>
    public long NackSent { get; internal set; }

    /// <summary>Frames a link refused (queue full or closed); nothing else is dropped for it.</summary>
    public long SendFailures { get; internal set; }

    /// <summary>IHAVE ids received.</summary>
    public long IhaveReceived { get; internal set; }

    /// <summary>GRAFT ids received.</summary>
    public long GraftsReceived { get; internal set; }

    /// <summary>GRAFTs answered with the copy.</summary>
    public long GraftsServed { get; internal set; }

    /// <summary>GRAFTs answered with a NACK (budget spent or payload gone).</summary>
    public long GraftsNacked { get; internal set; }

    /// <summary>Served GRAFTs that found this node at its eager cap (answered with the copy and a PRUNE).</summary>
    public long GraftsOverCap { get; internal set; }

    /// <summary>PRUNE frames received.</summary>
    public long PrunesReceived { get; internal set; }

    /// <summary>NACK ids received.</summary>
    public long NacksReceived { get; internal set; }

    /// <summary>GRAFTs that got no answer within the GRAFT timeout.</summary>
    public long GraftTimeouts { get; internal set; }

    /// <summary>Eager links made lazy because the eager cap was exceeded.</summary>
    public long CapDemotions { get; internal set; }

    /// <summary>Eager links made lazy because the peer never answered a push (presumed dead).</summary>
    public long SilentDemotions { get; internal set; }

    /// <summary>IHAVEs sent back to a peer whose copy was the first frame it got from this node (proof of life).</summary>
    public long AcksSent { get; internal set; }

    /// <summary>Control frames ignored (from a peer without control frames, unknown link, or in RandomFanout mode).</summary>
    public long ControlIgnored { get; internal set; }

    /// <summary>Seen ids dropped before their time because the cache was full.</summary>
    public long SeenEvictions { get; internal set; }

    /// <summary>Cached payloads dropped before their time because the cache was full.</summary>
    public long PayloadEvictions { get; internal set; }

    /// <summary>Missing ids given up before their time because too many were pursued.</summary>
    public long PullEvictions { get; internal set; }

    /// <summary>Missing ids given up: every announcer was asked, or the pull expired.</summary>
    public long PullsAbandoned { get; internal set; }
}
