namespace PeerNet.Addressing;

/// <summary>An address rejected by validation.</summary>
/// <param name="Index">Its position in the batch.</param>
/// <param name="Address">The address as given.</param>
/// <param name="Reason">Why it is not valid.</param>
public sealed record InvalidAddress(int Index, string? Address, string Reason);
