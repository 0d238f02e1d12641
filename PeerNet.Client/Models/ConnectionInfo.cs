namespace PeerNet.Client;

/// <summary>One handshaken peer: an item of <c>GET /api/connections</c>.</summary>
/// <param name="Address">The address dialled; null for inbound peers.</param>
/// <param name="PeerId">The peer's node id, 32 hex characters.</param>
/// <param name="Direction">inbound or outbound.</param>
/// <param name="Since">When the handshake completed.</param>
/// <param name="Transport">ws, wss, tcp or stream.</param>
/// <param name="PeerNet">True for a PeerNet node, false for an original peernet node.</param>
/// <param name="Verified">True when the peer proved its node id in the handshake; false for original and older PeerNet peers (and from nodes older than this field).</param>
public sealed record ConnectionInfo(string? Address, string PeerId, string Direction, DateTimeOffset Since, string Transport, bool PeerNet, bool Verified = false);
