namespace PeerNet.Client;

/// <summary>What a census found: <c>GET /api/census</c>.</summary>
/// <param name="Nodes">The nodes, the asked node first.</param>
public sealed record CensusResult(IReadOnlyList<CensusEntry> Nodes);
