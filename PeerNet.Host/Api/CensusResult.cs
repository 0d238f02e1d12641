namespace PeerNet.Host.Api;

/// <summary>What a census found.</summary>
/// <param name="Nodes">The nodes, this one first.</param>
public sealed record CensusResult(IReadOnlyList<CensusEntry> Nodes);
