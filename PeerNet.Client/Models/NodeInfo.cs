namespace PeerNet.Client;

/// <summary>A node: <c>GET /api/node</c>.</summary>
/// <param name="Id">The node id of the _hello handshake, 32 lowercase hex characters; the hash of the node's key, the same after every restart.</param>
/// <param name="Version">PeerNet's version.</param>
/// <param name="Addresses">The addresses the node advertises.</param>
/// <param name="Connections">Handshaken peer connections.</param>
/// <param name="Known">Known addresses in its store.</param>
public sealed record NodeInfo(string Id, string Version, IReadOnlyList<string> Addresses, int Connections, long Known);
