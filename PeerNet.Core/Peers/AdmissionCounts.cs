namespace PeerNet.Peers;

/// <summary>What is open when a new connection arrives, for the caps it must fit under.</summary>
/// <param name="Open">Connections open now, inbound and outbound, handshaken or not (those being evicted left out).</param>
/// <param name="InboundOpen">Of those, inbound.</param>
/// <param name="InboundPending">Inbound connections still in their handshake.</param>
/// <param name="FromPrefix">Inbound connections open now from the new one's source prefix (0 when it has no IP).</param>
/// <param name="FromLoopback">True when the new one comes from a loopback address (its own prefix, with its own cap).</param>
public readonly record struct AdmissionCounts(int Open, int InboundOpen, int InboundPending, int FromPrefix, bool FromLoopback = false);
