namespace PeerNet.Client;

/// <summary>What a join or renewal did: the answer of <c>PUT /api/topics/{topic}/members</c>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Hash">Its hash on the wire (lowercase hex): what other nodes see.</param>
/// <param name="Added">Addresses that became members.</param>
/// <param name="Renewed">Addresses that were members and got the new time to live.</param>
/// <param name="ExpiresAt">When they go unless renewed.</param>
public sealed record TopicJoined(string Topic, string Hash, int Added, int Renewed, DateTimeOffset ExpiresAt);
