namespace PeerNet.Storage;

/// <summary>Outbound connection attempts to an address.</summary>
/// <param name="Ok">Successful connections.</param>
/// <param name="Fail">Failed connections.</param>
/// <param name="LastOk">When the last one succeeded, if ever.</param>
/// <param name="LastFail">When the last one failed, if ever.</param>
public sealed record ConnectionStats(long Ok, long Fail, DateTimeOffset? LastOk = null, DateTimeOffset? LastFail = null);
