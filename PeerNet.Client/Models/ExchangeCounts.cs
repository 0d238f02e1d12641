namespace PeerNet.Client;

/// <summary>Addresses exchanged with a peer.</summary>
/// <param name="Rx">Received from it.</param>
/// <param name="Tx">Sent to it.</param>
/// <param name="LastRx">When it last sent some.</param>
/// <param name="LastTx">When it was last sent some.</param>
public sealed record ExchangeCounts(long Rx, long Tx, DateTimeOffset? LastRx = null, DateTimeOffset? LastTx = null);
