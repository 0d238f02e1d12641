namespace PeerNet.Client;

/// <summary>One member registered on this node, in <see cref="TopicInfo.Members"/>.</summary>
/// <param name="Address">The application's address.</param>
/// <param name="Owner">Who registered it: the sidecar's IP for a REST registration, null for the library's own.</param>
/// <param name="RegisteredAt">When it was first registered.</param>
/// <param name="ExpiresAt">When it goes unless renewed.</param>
public sealed record TopicRegistration(string Address, string? Owner, DateTimeOffset RegisteredAt, DateTimeOffset ExpiresAt);
