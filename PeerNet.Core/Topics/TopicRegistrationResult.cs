namespace PeerNet.Topics;

/// <summary>What a registration did.</summary>
/// <param name="Added">Addresses that became members.</param>
/// <param name="Renewed">Addresses that were members already and got the new time to live.</param>
/// <param name="ExpiresAt">When they go unless renewed.</param>
public sealed record TopicRegistrationResult(int Added, int Renewed, DateTimeOffset ExpiresAt);
