using System.Net;

namespace PeerNet.Peers;

/// <summary>The connection caps as pure functions: over a cap a new connection is closed at once; existing ones stay.</summary>
public static class AdmissionPolicy
{
    /// <summary>
    /// Whether a connection may open given what is open now. Inbound connections count against
    /// <see cref="PeerNetOptions.MaxPeers"/> less the <see cref="PeerNetOptions.OutboundSlots"/> kept for dials, and
    /// against the pending-handshake and per-address caps; this node's own dials only against MaxPeers (their pending
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
        if (counts.FromAddress >= options.MaxConnectionsPerAddress)
            return Admission.AddressCap;
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

    /// <summary>Loopback is exempt from the per-address cap, so local test networks and benchmarks work.</summary>
    public static bool CountsPerAddress(IPAddress? remote) =>
        remote is not null && !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    /// <summary>The refusal's text for logs and connect errors.</summary>
    public static string Describe(Admission verdict, IPAddress? remote, PeerNetOptions options) => verdict switch
    {
        Admission.PeerCap => $"at the peer cap (PeerNet:MaxPeers = {options.MaxPeers}, of which PeerNet:OutboundSlots = {options.OutboundSlots} only for dials)",
        Admission.PendingCap => $"at the pending-handshake cap (PeerNet:MaxPendingHandshakes = {options.MaxPendingHandshakes})",
        Admission.AddressCap => $"at the per-address cap for {remote} (PeerNet:MaxConnectionsPerAddress = {options.MaxConnectionsPerAddress})",
        _ => "admitted",
    };

    /// <summary>The metric tag of a refusal.</summary>
    public static string Tag(Admission verdict) => verdict switch
    {
        Admission.PeerCap => "peer_cap",
        Admission.PendingCap => "pending_cap",
        Admission.AddressCap => "address_cap",
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
