using System.Net;

namespace PeerNet.Peers;

/// <summary>What a new connection would take, and the caps it must fit under.</summary>
/// <param name="Open">Connections open now, handshaken or not.</param>
/// <param name="Handshaken">Of those, handshaken.</param>
/// <param name="FromAddress">Inbound connections open now from the new one's IP (0 when the cap does not apply).</param>
public readonly record struct AdmissionCounts(int Open, int Handshaken, int FromAddress);
