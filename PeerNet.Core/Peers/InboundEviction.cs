using System.Net;
using PeerNet.Addressing;

namespace PeerNet.Peers;

/// <summary>
/// Which inbound connection a newcomer displaces when inbound is full, as a pure function (after Bitcoin Core's
/// <c>AttemptToEvictConnection</c>): a crowd of connections from a few prefixes must not keep a peer from elsewhere
/// out, nor can it push out the long-lived, diverse peers. Outbound connections are never candidates.
/// </summary>
public static class InboundEviction
{
    /// <summary>Handshaken peers protected for netgroup diversity: the longest-connected one of each of this many prefixes.</summary>
    public const int ProtectedByNetgroup = 4;

    /// <summary>Handshaken peers protected for having stayed longest (after the netgroup ones).</summary>
    public const int ProtectedByAge = 8;

    // Connections without an IP share one group (stream transports).
    private static readonly SourcePrefix NoSource = new(new IPNetwork(IPAddress.IPv6Any, 0));

    /// <summary>
    /// The index in <paramref name="inbound"/> of the connection to close for <paramref name="newcomer"/>, or -1 to
    /// refuse the newcomer. Pending (un-handshaken) connections go first: the oldest of the prefix with the most pending.
    /// When none are pending (and <paramref name="pendingOnly"/> is false: the pending cap is not the one reached), a
    /// handshaken peer goes: after protecting <see cref="ProtectedByNetgroup"/> and <see cref="ProtectedByAge"/> of
    /// them, the youngest of the prefix with the most left. When the newcomer's own prefix is the most crowded, or
    /// nobody is left unprotected, the newcomer is refused instead.
    /// </summary>
    public static int Choose(IReadOnlyList<EvictionCandidate> inbound, SourcePrefix? newcomer, bool pendingOnly)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        var pending = new List<int>();
        var handshaken = new List<int>();
        for (var i = 0; i < inbound.Count; i++)
            (inbound[i].Handshaken ? handshaken : pending).Add(i);
        if (pending.Count > 0)
            return FromMostCrowded(inbound, pending, newcomer, oldest: true);
        if (pendingOnly)
            return -1;
        return FromMostCrowded(inbound, Unprotected(inbound, handshaken), newcomer, oldest: false);
    }

    /// <summary>Of <paramref name="handshaken"/>, those not protected by netgroup diversity or age.</summary>
    private static List<int> Unprotected(IReadOnlyList<EvictionCandidate> inbound, List<int> handshaken)
    {
        var byAge = handshaken.OrderBy(i => inbound[i].ConnectedAt).ThenBy(i => i).ToList();
        var protectedGroups = new HashSet<SourcePrefix>();
        var left = new List<int>(byAge.Count);
        foreach (var i in byAge) // the oldest member of each of the first prefixes met, oldest first
        {
            if (protectedGroups.Count < ProtectedByNetgroup && protectedGroups.Add(Group(inbound[i])))
                continue;
            left.Add(i);
        }
        return left.Skip(ProtectedByAge).ToList(); // still oldest first: the next ones protected by age alone
    }

    private static int FromMostCrowded(IReadOnlyList<EvictionCandidate> inbound, List<int> among, SourcePrefix? newcomer, bool oldest)
    {
        if (among.Count == 0)
            return -1;
        var counts = new Dictionary<SourcePrefix, int>();
        foreach (var i in among)
            counts[Group(inbound[i])] = counts.GetValueOrDefault(Group(inbound[i])) + 1;
        var crowded = counts.Values.Max();
        if (counts.GetValueOrDefault(newcomer ?? NoSource) >= crowded)
            return -1; // the newcomer would make its own prefix the most crowded: it is the one to go
        var victim = -1;
        foreach (var i in among)
        {
            if (counts[Group(inbound[i])] != crowded)
                continue;
            if (victim < 0 || (oldest ? inbound[i].ConnectedAt < inbound[victim].ConnectedAt : inbound[i].ConnectedAt >= inbound[victim].ConnectedAt))
                victim = i;
        }
        return victim;
    }

    private static SourcePrefix Group(EvictionCandidate candidate) => candidate.Source ?? NoSource;
}
