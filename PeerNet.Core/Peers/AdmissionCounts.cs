using System.Net;

namespace PeerNet.Peers;

/// <summary>What is open when a new connection arrives, for the caps it must fit under.</summary>
/// <param name="Open">Connections open now, inbound and outbound, handshaken or not.</param>
/// <param name="InboundOpen">Of those, inbound.</param>
/// <param name="InboundPending">Inbound connections still in their handshake.</param>
/// <param name="FromAddress">Inbound connections open now from the new one's IP (0 when the cap does not apply).</param>
public readonly record struct AdmissionCounts(int Open, int InboundOpen, int InboundPending, int FromAddress);
