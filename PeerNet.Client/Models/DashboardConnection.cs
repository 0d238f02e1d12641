namespace PeerNet.Client;

/// <summary>One handshaken peer with its connection's traffic.</summary>
/// <param name="PeerId">The peer's node id.</param>
/// <param name="Address">The address dialled; null for inbound peers.</param>
/// <param name="Direction">inbound or outbound.</param>
/// <param name="Transport">ws, wss, tcp or stream.</param>
/// <param name="PeerNet">True for a PeerNet node.</param>
/// <param name="Since">When the handshake completed.</param>
/// <param name="FramesIn">Frames received.</param>
/// <param name="FramesOut">Frames sent.</param>
/// <param name="BytesIn">Bytes received.</param>
/// <param name="BytesOut">Bytes sent.</param>
/// <param name="Discarded">Messages discarded for breaking a field limit.</param>
/// <param name="Dropped">Forwarded messages dropped at the peer's full send queue.</param>
/// <param name="Verified">True when the peer proved its node id in the handshake (false from nodes older than this field).</param>
public sealed record DashboardConnection(string PeerId, string? Address, string Direction, string Transport, bool PeerNet, DateTimeOffset Since,
    long FramesIn, long FramesOut, long BytesIn, long BytesOut, long Discarded, long Dropped, bool Verified = false);
