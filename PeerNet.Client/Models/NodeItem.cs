namespace PeerNet.Client;

/// <summary>One known address.</summary>
/// <param name="Address">The normalized address.</param>
public sealed record NodeItem(string Address);
