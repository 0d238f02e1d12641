namespace PeerNet.Host.Api;

/// <summary>Result of a remove.</summary>
/// <param name="Removed">Addresses of the batch that were known and are now removed (all are tombstoned).</param>
public sealed record RemovedResponse(int Removed);
