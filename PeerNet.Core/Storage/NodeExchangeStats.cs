namespace PeerNet.Storage;

/// <summary>Addresses exchanged with a peer.</summary>
/// <param name="Rx">Addresses received from the peer.</param>
/// <param name="Tx">Addresses sent to the peer.</param>
/// <param name="LastRx">When addresses were last received.</param>
/// <param name="LastTx">When addresses were last sent.</param>
public sealed record NodeExchangeStats(long Rx, long Tx, DateTimeOffset? LastRx = null, DateTimeOffset? LastTx = null);
