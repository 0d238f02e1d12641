namespace PeerNet.Storage;

/// <summary>One page of known addresses, in store order.</summary>
/// <param name="Addresses">The addresses of this page.</param>
/// <param name="Next">The cursor of the next page, or null after the last.</param>
public sealed record NodePage(IReadOnlyList<string> Addresses, string? Next);
