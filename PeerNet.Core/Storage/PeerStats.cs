namespace PeerNet.Storage;

/// <summary>Connection statistics of one address, as the original's <c>getStats</c> reports them.</summary>
/// <param name="Address">The normalized address.</param>
/// <param name="Connections">Outbound connection attempts.</param>
/// <param name="Nodes">Addresses exchanged with this peer.</param>
public sealed record PeerStats(string Address, ConnectionStats Connections, NodeExchangeStats Nodes);
