using Microsoft.AspNetCore.Mvc;
using PeerNet.Addressing;
using PeerNet.Host.Security;
using PeerNet.Peers;
using PeerNet.Protocol;
using static PeerNet.Host.Api.FieldProblems;

namespace PeerNet.Host.Api;

/// <summary>One handshaken peer.</summary>
/// <param name="Address">The address dialled; null for inbound peers.</param>
/// <param name="PeerId">The peer's node id, 32 hex characters.</param>
/// <param name="Direction">inbound or outbound.</param>
/// <param name="Since">When the handshake completed.</param>
/// <param name="Transport">ws, wss, tcp or stream.</param>
/// <param name="PeerNet">True for a PeerNet node, false for an original peernet node.</param>
/// <param name="Verified">True when the peer proved its node id in the handshake (Ed25519); false for original and older PeerNet peers.</param>
public sealed record ConnectionItem(string? Address, string PeerId, string Direction, DateTimeOffset Since, string Transport, bool PeerNet, bool Verified)
{
    internal static ConnectionItem From(PeerInfo p) =>
        new(p.Address, p.PeerId, p.Direction == PeerDirection.Inbound ? "inbound" : "outbound", p.Since, p.Transport, p.IsPeerNet, p.IsVerified);
}
