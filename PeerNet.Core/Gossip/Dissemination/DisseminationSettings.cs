using PeerNet.Protocol;
namespace PeerNet.Gossip.Dissemination;

/// <summary>Settings of the announce dissemination rule. The defaults are the design study's recommendation (docs/dissemination.md).</summary>
public sealed class DisseminationSettings
{
    /// <summary>The rule. Default <see cref="DisseminationRule.Tree"/>.</summary>
    public DisseminationRule Rule { get; set; } = DisseminationRule.Tree;

    /// <summary>
    /// Tree: the cap on eager links to PeerNet peers (about 3x the dial degree; a lower cap lengthens tree paths).
    /// RandomFanout: how many random peers get each forwarded request (the original uses 3). Default 16.
    /// </summary>
    public int Fanout { get; set; } = 16;

    /// <summary>
    /// Tree: how many links to PeerNet peers start eager; a new link is eager while the node has fewer eager links
    /// than this, lazy (IHAVEs) otherwise. With every link eager the first announce floods the network (a copy over
    /// every link, about nine per node at degree 10) before duplicates prune the tree out of it; with a few it
    /// spreads as a push gossip over a subset, which reaches most nodes, and the lazy links' IHAVEs and GRAFTs reach
    /// the rest and join them to the tree (Plumtree over HyParView's small active view does the same). Fewer cost
    /// the first announce less but build a deeper tree, whose later announces then meet GRAFT timeouts and rewire
    /// it: in the simulation 3 cost 2.6 copies per node first and 1.14 after, 5 cost 4.3 and 1.005, a flood 9 and 1.0.
    /// At least 1; past <see cref="Fanout"/> it counts as Fanout. Default 5.
    /// </summary>
    public int InitialEager { get; set; } = 5;

    /// <summary>
    /// Highest hop count this node forwards with. Only a loop guard (dedupe by id is the real one): tree paths reach
    /// about 30 hops in large networks, so keep it well above the original's 15. Default 64.
    /// </summary>
    public int MaxHops { get; set; } = 64;

    /// <summary>
    /// How long a node waits after an IHAVE (and after each GRAFT) for the request before it asks an(other) announcer.
    /// About 16 one-hop latencies; at or under 2 hops it grafts spuriously and the tree drifts. A GRAFT also fires
    /// when the tree copy is merely late: its path is more than about (timeout + IHAVE delay) / hop latency hops
    /// longer than the announcer's, which a tree built by a partial first push (<see cref="InitialEager"/>) often is
    /// when half the nodes are dead; each such GRAFT costs two copies and rewires the tree, and the rewiring goes
    /// on. Over 20 announces there (30,000 simulated nodes, half dead, 50 ms hops) 400 ms cost 1.24 copies per
    /// node, 600 ms 1.21, 800 ms 1.17 (1.00 after the first). Default 800 ms.
    /// </summary>
    public TimeSpan GraftTimeout { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>
    /// How long IHAVEs wait before they go out, gathered per peer into one frame (up to
    /// <see cref="ControlFrameValidator.MaxIdsPerList"/> ids). Lazy peers need them only for repair, which waits
    /// <see cref="GraftTimeout"/> anyway; sent at once, they compete with the full copies for CPU and bandwidth on every
    /// hop (six IHAVEs per copy at degree 5), which made dissemination several times slower. Zero sends each at once.
    /// Default 50 ms.
    /// </summary>
    public TimeSpan IhaveDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>GRAFTs served per id; later ones get a NACK unless they are a last resort. Default 4.</summary>
    public int ServeBudget { get; set; } = 4;

    /// <summary>
    /// How long a peer that pruned this node is asked for a GRAFT only when no other announcer is left. Default 30 s.
    /// </summary>
    public TimeSpan PruneBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An eager link to a PeerNet peer that has never sent this node a frame is made lazy when a push to it has gone
    /// unanswered this long (every peer answers its first copy). It catches peers that died before they were ever
    /// heard from, which the router cannot tell from a silent tree child otherwise; later deaths are the session
    /// keep-alive's job (it removes the link). Default 1 s.
    /// </summary>
    public TimeSpan SilenceTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a request id counts as seen. Must exceed the longest dissemination including repair and
    /// <see cref="PayloadTtl"/> plus the IHAVE delay, or a late IHAVE causes a second delivery. Default 5 min.
    /// </summary>
    public TimeSpan SeenTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most ids in the seen cache; the oldest go first. Default 65536.</summary>
    public int SeenCapacity { get; set; } = PeerNetLimits.SeenIdCapacity;

    /// <summary>How long a request is kept to answer GRAFTs: at least (GraftTimeout + 3 hops) x retries. Default 1 min.</summary>
    public TimeSpan PayloadTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most requests kept to answer GRAFTs (each at most about 1.2 KB). Default 4096.</summary>
    public int PayloadCapacity { get; set; } = PeerNetLimits.PayloadCapacity;

    /// <summary>How long a missing id announced by IHAVE is pursued. Default 1 min.</summary>
    public TimeSpan PullTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most missing ids pursued at once; the oldest are given up first. Default 4096.</summary>
    public int PullCapacity { get; set; } = PeerNetLimits.PendingPullCapacity;

    /// <summary>Most announcers remembered per missing id. Default 32.</summary>
    public int MaxAnnouncersPerId { get; set; } = PeerNetLimits.AnnouncersPerId;

    /// <summary>
    /// Entries the rule's id caches make room for at once (seen ids, payloads). 0 (the default, for simulations of a
    /// million rules holding a few ids each) grows them from nothing; a node's router sets
    /// <see cref="PeerNetLimits.RuleCachePresize"/>.
    /// </summary>
    internal int CachePresize { get; init; }

    /// <summary>The node's bounds, when the rule runs in a node (the caches count their hits there); null in simulations.</summary>
    public PeerNetLimits? Limits { get; init; }

    /// <summary>Throws when a value cannot work.</summary>
    public void Validate()
    {
        static void Positive(string name, double value)
        {
            if (value <= 0)
                throw new ArgumentOutOfRangeException(name, value, "must be positive");
        }
        Positive(nameof(Fanout), Fanout);
        Positive(nameof(MaxHops), MaxHops);
        Positive(nameof(InitialEager), InitialEager);
        Positive(nameof(GraftTimeout), GraftTimeout.Ticks);
        if (IhaveDelay < TimeSpan.Zero || IhaveDelay > TimeSpan.FromSeconds(10))
            throw new ArgumentOutOfRangeException(nameof(IhaveDelay), IhaveDelay, "must be 0 to 10 s");
        if (ServeBudget < 0)
            throw new ArgumentOutOfRangeException(nameof(ServeBudget), ServeBudget, "must not be negative");
        Positive(nameof(PruneBackoff), PruneBackoff.Ticks + 1);
        Positive(nameof(SilenceTimeout), SilenceTimeout.Ticks);
        Positive(nameof(SeenTtl), SeenTtl.Ticks);
        Positive(nameof(SeenCapacity), SeenCapacity);
        Positive(nameof(PayloadTtl), PayloadTtl.Ticks);
        Positive(nameof(PayloadCapacity), PayloadCapacity);
        Positive(nameof(PullTtl), PullTtl.Ticks);
        Positive(nameof(PullCapacity), PullCapacity);
        Positive(nameof(MaxAnnouncersPerId), MaxAnnouncersPerId);
    }
}
