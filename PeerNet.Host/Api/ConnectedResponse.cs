using Microsoft.AspNetCore.Mvc;
using PeerNet.Addressing;
using PeerNet.Host.Security;
using PeerNet.Peers;
using PeerNet.Protocol;
using static PeerNet.Host.Api.FieldProblems;

namespace PeerNet.Host.Api;

/// <summary>A completed handshake.</summary>
/// <param name="Address">The normalized address dialled.</param>
/// <param name="PeerId">The peer's node id, 32 hex characters.</param>
public sealed record ConnectedResponse(string Address, string PeerId);
