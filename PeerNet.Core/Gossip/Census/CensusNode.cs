namespace PeerNet.Gossip.Census;

/// <summary>One node a census found.</summary>
/// <param name="Id">Its node id, 32 hex characters.</param>
/// <param name="Version">Its PeerNet version; null for a node that did not answer (an original node, or one with census off).</param>
/// <param name="IsPeerNet">True for a PeerNet node (it answered, or a neighbour saw the PeerNet hello extension).</param>
/// <param name="Peers">The ids of its peers: as it reported them, or, for a node that did not answer, the nodes that listed it.</param>
public sealed record CensusNode(string Id, string? Version, bool IsPeerNet, IReadOnlyList<string> Peers);
