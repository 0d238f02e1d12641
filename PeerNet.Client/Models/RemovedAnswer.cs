namespace PeerNet.Client;

/// <summary>The answer to a remove: <c>DELETE /api/nodes</c>.</summary>
/// <param name="Removed">Addresses that were known and are removed.</param>
public sealed record RemovedAnswer(int Removed);
