namespace PeerNet.Host.Api;

/// <summary>One node a census found.</summary>
/// <param name="Id">Its node id.</param>
/// <param name="Version">Its PeerNet version; null when it did not answer (an original node, or census off).</param>
/// <param name="PeerNet">True for a PeerNet node.</param>
/// <param name="Peers">Its peers' ids (for a node that did not answer: the nodes that listed it).</param>
public sealed record CensusEntry(string Id, string? Version, bool PeerNet, IReadOnlyList<string> Peers);
