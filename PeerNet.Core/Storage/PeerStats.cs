namespace PeerNet.Storage;

/// <summary>Connection statistics of one address, as the original's <c>getStats</c> reports them.</summary>
/// <param name="Address">The normalized address.</param>
/// <param name="Connections">Outbound connection attempts.</param>
/// <param name="Nodes">Addresses exchanged with this peer.</param>
public sealed record PeerStats(string Address, ConnectionStats Connections, NodeExchangeStats Nodes);

/// <summary>Outbound connection attempts to an address.</summary>
/// <param name="Ok">Successful connections.</param>
/// <param name="Fail">Failed connections.</param>
/// <param name="LastOk">When the last one succeeded, if ever.</param>
/// <param name="LastFail">When the last one failed, if ever.</param>
public sealed record ConnectionStats(long Ok, long Fail, DateTimeOffset? LastOk = null, DateTimeOffset? LastFail = null);

/// <summary>Addresses exchanged with a peer.</summary>
/// <param name="Rx">Addresses received from the peer.</param>
/// <param name="Tx">Addresses sent to the peer.</param>
/// <param name="LastRx">When addresses were last received.</param>
/// <param name="LastTx">When addresses were last sent.</param>
public sealed record NodeExchangeStats(long Rx, long Tx, DateTimeOffset? LastRx = null, DateTimeOffset? LastTx = null);
