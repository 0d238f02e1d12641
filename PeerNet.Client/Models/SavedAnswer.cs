namespace PeerNet.Client;

/// <summary>The answer to a save: <c>POST /api/nodes</c>.</summary>
/// <param name="Saved">Addresses that were not known before.</param>
public sealed record SavedAnswer(int Saved);
