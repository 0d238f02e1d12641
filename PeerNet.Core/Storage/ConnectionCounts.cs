namespace PeerNet.Storage;

/// <summary>An address's connection counters as purge judges them.</summary>
/// <param name="Ok">Successful outbound connections.</param>
/// <param name="Fail">Failed outbound connections.</param>
/// <param name="FailingSince">The first failure since the last success; null while the last connection succeeded.</param>
public readonly record struct ConnectionCounts(long Ok, long Fail, DateTimeOffset? FailingSince);
