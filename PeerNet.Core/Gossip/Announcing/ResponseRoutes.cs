using PeerNet.Peers;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// Where answers go: the peer each request came from (to pass a reply back along the reverse path) and the responses
/// already seen (keyed by id, reply and data, as the original reuses ids and sends each twice). Both bounded by count
/// and age. An origin is kept as its link's number and resolved through the live peers (<see cref="Up"/>,
/// <see cref="Down"/>), so a closed session is never held alive by the routes (threat M5); each peer has a share of the
/// origins (<see cref="PeerNetLimits.PeerCacheShareDivisor"/>), so one peer's flood cannot evict the others' (H6).
/// Owned by the router's loop: not thread-safe.
/// </summary>
internal sealed class ResponseRoutes(PeerNetLimits limits)
{
    /// <summary>How long a reply can still be routed back after its request passed.</summary>
    public static readonly TimeSpan OriginTtl = TimeSpan.FromMinutes(2);

    /// <summary>How long a response counts as seen.</summary>
    public static readonly TimeSpan SeenResponseTtl = TimeSpan.FromMinutes(2);

    // Keyed by IdKeys values: the caches evict on every insert once full, and value keys make that cheap.
    private readonly ExpiringCache<UInt128, int> _origins = new(PeerNetLimits.OriginCapacity, OriginTtl)
    {
        Bound = limits.Origins,
        OwnerShare = PeerNetLimits.OriginCapacity / PeerNetLimits.PeerCacheShareDivisor,
    };
    private readonly Dictionary<int, Peer> _live = new(); // bounded by the connected peers
    private readonly ExpiringCache<UInt128, bool> _seen = new(PeerNetLimits.SeenResponseCapacity, SeenResponseTtl) { Bound = limits.SeenResponses };

    public int Origins => _origins.Count;

    /// <summary>Origins <paramref name="peer"/> holds right now.</summary>
    public int OriginsOf(Peer peer) => _origins.CountOf(peer.Owner);

    /// <summary>A peer joined: replies can be routed to it.</summary>
    public void Up(Peer peer) => _live[peer.Owner] = peer;

    /// <summary>A peer left: its origins route nowhere (and age out).</summary>
    public void Down(Peer peer) => _live.Remove(peer.Owner);

    /// <summary>Remembers that the request with <paramref name="requestKey"/> came from <paramref name="from"/>.</summary>
    public void Remember(UInt128 requestKey, Peer from, TimeSpan now) => _origins.Set(requestKey, from.Owner, now, from.Owner);

    /// <summary>True the first time this response is seen (within its time to live).</summary>
    public bool IsNew(Announce response, TimeSpan now) => _seen.Set(IdKeys.OfResponse(response), true, now);

    /// <summary>The peer the request <paramref name="replyKey"/> came from, while it is still connected.</summary>
    public Peer? OriginOf(UInt128 replyKey, TimeSpan now) =>
        _origins.TryGetValue(replyKey, now, out var owner) && _live.TryGetValue(owner, out var origin) && !origin.IsClosed ? origin : null;
}
