namespace PeerNet.Client;

/// <summary>Outbound connection attempts to an address.</summary>
/// <param name="Ok">Successful ones.</param>
/// <param name="Fail">Failed ones.</param>
/// <param name="LastOk">When the last one succeeded.</param>
/// <param name="LastFail">When the last one failed.</param>
public sealed record ConnectionCounts(long Ok, long Fail, DateTimeOffset? LastOk = null, DateTimeOffset? LastFail = null);
