namespace PeerNet.Client;

/// <summary>One node a census found.</summary>
/// <param name="Id">Its node id.</param>
/// <param name="Version">Its PeerNet version; null when it did not answer.</param>
/// <param name="PeerNet">True for a PeerNet node.</param>
/// <param name="Peers">Its peers' ids.</param>
public sealed record CensusEntry(string Id, string? Version, bool PeerNet, IReadOnlyList<string> Peers);
