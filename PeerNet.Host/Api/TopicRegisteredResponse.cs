namespace PeerNet.Host.Api;

/// <summary>What a registration did.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Hash">Its hash on the wire (lowercase hex): what other nodes see.</param>
/// <param name="Added">Addresses that became members.</param>
/// <param name="Renewed">Addresses that were members and got the new time to live.</param>
/// <param name="ExpiresAt">When they go unless renewed.</param>
public sealed record TopicRegisteredResponse(string Topic, string Hash, int Added, int Renewed, DateTimeOffset ExpiresAt);
