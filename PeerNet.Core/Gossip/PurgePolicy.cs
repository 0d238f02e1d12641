using PeerNet.Storage;

namespace PeerNet.Gossip;

/// <summary>
/// When purge forgets an address: the original's rule (connection attempts and none, or under 20%, succeeded), but
/// only after <see cref="PeerNetOptions.PurgeMinFailures"/> failures and once it has been failing for
/// <see cref="PeerNetOptions.PurgeFailingFor"/>, so one failed dial (which an attacker can cause by filling an honest
/// node's caps) or a short outage does not make the network forget an honest address.
/// </summary>
public static class PurgePolicy
{
    /// <summary>Smallest share of successful connections an address must keep.</summary>
    public const double MinSuccessRatio = 0.2;

    /// <summary>True when an address with these counters should be forgotten at <paramref name="now"/>.</summary>
    public static bool IsDead(ConnectionCounts counts, DateTimeOffset now, PeerNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (ok, fail, failingSince) = counts;
        return fail >= options.PurgeMinFailures
            && (ok == 0 || (double)ok / (ok + fail) < MinSuccessRatio)
            && failingSince is { } since && now - since >= options.PurgeFailingFor;
    }
}
