namespace PeerNet.Host.Api;

/// <summary>Result of a save.</summary>
/// <param name="Saved">Addresses that were not known before (all of the batch's are known now).</param>
public sealed record SavedResponse(int Saved);
