using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Peers;
using PeerNet.Storage;

namespace PeerNet.Gossip;

/// <summary>The original's purge rule: an address that had connection attempts and none (or under 20%) succeeded.</summary>
public static class PurgePolicy
{
    /// <summary>Smallest share of successful connections an address must keep.</summary>
    public const double MinSuccessRatio = 0.2;

    /// <summary>True when an address with these counters should be forgotten.</summary>
    public static bool IsDead(long ok, long fail) =>
        ok + fail > 0 && (ok == 0 || (double)ok / (ok + fail) < MinSuccessRatio);
}
