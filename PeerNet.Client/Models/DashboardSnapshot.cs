namespace PeerNet.Client;

/// <summary>What the dashboard shows at one moment: <c>GET /api/dashboard</c>, one event of <c>/api/dashboard/events</c>.</summary>
/// <param name="Time">When the snapshot was taken.</param>
/// <param name="Node">The node.</param>
/// <param name="Known">Known addresses in the store.</param>
/// <param name="Removed">Removed addresses the store holds tombstones of.</param>
/// <param name="Connections">The handshaken peers with their traffic.</param>
/// <param name="Rates">Rates per second over the last second; null until sampled twice.</param>
/// <param name="History">The rate points kept (in a stream's first event only).</param>
/// <param name="Meter">Every instrument of the node's PeerNet meter.</param>
public sealed record DashboardSnapshot(DateTimeOffset Time, DashboardNode Node, long Known, long Removed, IReadOnlyList<DashboardConnection> Connections,
    RatePoint? Rates, IReadOnlyList<RatePoint>? History, IReadOnlyList<MeterItem> Meter);
