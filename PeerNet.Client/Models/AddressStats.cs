namespace PeerNet.Client;

/// <summary>Connection statistics of one address: <c>GET /api/nodes/stats</c> (the original's getStats).</summary>
/// <param name="Address">The normalized address.</param>
/// <param name="Connections">Outbound connection attempts.</param>
/// <param name="Nodes">Addresses exchanged with this peer.</param>
public sealed record AddressStats(string Address, ConnectionCounts Connections, ExchangeCounts Nodes);
