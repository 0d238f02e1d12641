namespace PeerNet.Topics;

/// <summary>A member this node holds registered.</summary>
/// <param name="Address">The member's address.</param>
/// <param name="Owner">Who registered it: the REST client's IP, or null for the library.</param>
/// <param name="RegisteredAt">When it was first registered (renewals keep it).</param>
/// <param name="ExpiresAt">When it goes unless renewed.</param>
public sealed record RegisteredMember(string Address, string? Owner, DateTimeOffset RegisteredAt, DateTimeOffset ExpiresAt);
