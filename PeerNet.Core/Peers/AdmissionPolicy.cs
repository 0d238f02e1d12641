using System.Net;
using PeerNet.Addressing;

namespace PeerNet.Peers;

/// <summary>
/// The connection caps as pure functions: over the per-prefix cap a new inbound connection is closed at once; over the
/// inbound or pending caps it may displace another inbound one instead (<see cref="InboundEviction"/>).
/// </summary>
public static class AdmissionPolicy
{
    /// <summary>
    /// Whether a connection may open given what is open now. Inbound connections count against
    /// <see cref="PeerNetOptions.MaxPeers"/> less the <see cref="PeerNetOptions.OutboundSlots"/> kept for dials, and
    /// against the pending-handshake and per-prefix caps; this node's own dials only against MaxPeers (their pending
    /// handshakes are bounded by the dialler), so inbound connections can neither fill nor stall them.
    /// </summary>
    public static Admission Check(AdmissionCounts counts, bool inbound, PeerNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (counts.Open >= options.MaxPeers)
            return Admission.PeerCap;
        if (!inbound)
            return Admission.Admitted;
        if (counts.InboundOpen >= InboundCap(options))
            return Admission.PeerCap;
        if (counts.InboundPending >= options.MaxPendingHandshakes)
            return Admission.PendingCap;
        if (counts.FromPrefix >= PrefixCap(counts.FromLoopback, options))
            return Admission.PrefixCap;
        return Admission.Admitted;
    }

    /// <summary>Inbound connections at most: MaxPeers less the outbound slots (at least one connection stays for dials).</summary>
    public static int InboundCap(PeerNetOptions options) =>
        options.MaxPeers - Math.Clamp(options.OutboundSlots, 1, Math.Max(1, options.MaxPeers - 1));

    /// <summary>
    /// True when <paramref name="existingAge"/> (since its handshake) still lets a crossed dial replace the existing
    /// connection: only within the window, so a long-lived honest link is never displaced by a claimed id.
    /// </summary>
    public static bool WithinCrossingWindow(TimeSpan existingAge, PeerNetOptions options) =>
        existingAge <= TimeSpan.FromMilliseconds(options.CrossedDialWindow);

    /// <summary>
    /// The source prefix of a remote IP for the inbound caps (<see cref="PeerNetOptions.InboundPrefixV4"/>,
    /// <see cref="PeerNetOptions.InboundPrefixV6"/>; each loopback address its own); null when the transport gives no IP.
    /// </summary>
    public static SourcePrefix? SourceOf(IPAddress? remote, PeerNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return remote is null ? null : SourcePrefix.Group(remote, options.InboundPrefixV4, options.InboundPrefixV6);
    }

    /// <summary>
    /// Inbound connections one source may hold: loopback is not exempt, but has a cap of its own, since local test
    /// networks and a local reverse proxy bring many honest peers from one loopback address.
    /// </summary>
    public static int PrefixCap(bool loopback, PeerNetOptions options) =>
        loopback ? options.MaxConnectionsPerLoopbackAddress : options.MaxConnectionsPerPrefix;

    /// <summary>True when a refusal at <paramref name="verdict"/> may instead evict another inbound connection.</summary>
    public static bool MayEvict(Admission verdict) => verdict is Admission.PeerCap or Admission.PendingCap;

    /// <summary>The refusal's text for logs and connect errors.</summary>
    public static string Describe(Admission verdict, IPAddress? remote, PeerNetOptions options) => verdict switch
    {
        Admission.PeerCap => $"at the peer cap (PeerNet:MaxPeers = {options.MaxPeers}, of which PeerNet:OutboundSlots = {options.OutboundSlots} only for dials)",
        Admission.PendingCap => $"at the pending-handshake cap (PeerNet:MaxPendingHandshakes = {options.MaxPendingHandshakes})",
        Admission.PrefixCap => SourceOf(remote, options) is { IsLoopback: true }
            ? $"at the per-source cap for loopback address {remote} (PeerNet:MaxConnectionsPerLoopbackAddress = {options.MaxConnectionsPerLoopbackAddress})"
            : $"at the per-prefix cap for {remote}'s prefix {SourceOf(remote, options)} (PeerNet:MaxConnectionsPerPrefix = {options.MaxConnectionsPerPrefix})",
        _ => "admitted",
    };

    /// <summary>The metric tag of a refusal.</summary>
    public static string Tag(Admission verdict) => verdict switch
    {
        Admission.PeerCap => "peer_cap",
        Admission.PendingCap => "pending_cap",
        Admission.PrefixCap => "prefix_cap",
        _ => "admitted",
    };

    /// <summary>
    /// The crossed-dial rule: when a node already connected arrives on a second connection, both ends keep the
    /// connection the lower node id dialled, so crossed dials (one each way) settle on the same link; any other
    /// second connection is refused.
    /// </summary>
    public static bool KeepsNewConnection(PeerDirection existing, PeerDirection arriving, int selfComparedToRemote) =>
        existing != arriving && (arriving == PeerDirection.Outbound) == (selfComparedToRemote < 0);
}
