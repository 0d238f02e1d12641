namespace PeerNet.Peers;

/// <summary>Information about one handshaken peer.</summary>
/// <param name="Address">The address dialled (outbound), or null (inbound).</param>
/// <param name="PeerId">The peer's node id, 32 hex characters.</param>
/// <param name="Direction">Who dialled.</param>
/// <param name="Since">When the handshake completed.</param>
/// <param name="Transport">ws, wss, tcp or stream.</param>
/// <param name="IsPeerNet">True for a PeerNet node, false for an original one.</param>
/// <param name="IsVerified">True when the peer proved its node id (Ed25519, _hello version 2); false for original and older PeerNet peers.</param>
public sealed record PeerInfo(string? Address, string PeerId, PeerDirection Direction, DateTimeOffset Since, string Transport, bool IsPeerNet, bool IsVerified = false);
