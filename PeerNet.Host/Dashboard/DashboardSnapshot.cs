using PeerNet.Peers;

namespace PeerNet.Host.Dashboard;

/// <summary>What the dashboard shows at one moment: one event of <c>/api/dashboard/events</c>.</summary>
public sealed record DashboardSnapshot
{
    /// <summary>When the snapshot was taken.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>This node.</summary>
    public required DashboardNode Node { get; init; }

    /// <summary>Known addresses in the store.</summary>
    public required long Known { get; init; }

    /// <summary>Removed addresses the store holds tombstones of (not learned again for PeerNet:RemovedTtl).</summary>
    public required long Removed { get; init; }

    /// <summary>The handshaken peers, oldest first, with each connection's traffic so far.</summary>
    public required IReadOnlyList<DashboardConnection> Connections { get; init; }

    /// <summary>Rates per second over the last second; null until the node's meter has been sampled twice.</summary>
    public RatePoint? Rates { get; init; }

    /// <summary>Every rate point kept (the last 5 minutes, one a second), oldest first: in a stream's first event only, null after.</summary>
    public IReadOnlyList<RatePoint>? History { get; init; }

    /// <summary>Every instrument of the node's <c>PeerNet</c> meter, by name.</summary>
    public required IReadOnlyList<MeterItem> Meter { get; init; }
}

/// <summary>This node, as the dashboard shows it.</summary>
/// <param name="Id">The node id, 32 hex characters; the hash of the node's key, the same after every restart.</param>
/// <param name="Version">PeerNet's version.</param>
/// <param name="Addresses">The addresses it advertises (PeerNet:Advertise).</param>
/// <param name="StartedAt">When the node started.</param>
/// <param name="UptimeSeconds">Seconds since then.</param>
public sealed record DashboardNode(string Id, string Version, IReadOnlyList<string> Addresses, DateTimeOffset? StartedAt, double UptimeSeconds);

/// <summary>One handshaken peer with its connection's traffic.</summary>
/// <param name="PeerId">The peer's node id.</param>
/// <param name="Address">The address dialled; null for inbound peers.</param>
/// <param name="Direction">inbound or outbound.</param>
/// <param name="Transport">ws, wss, tcp or stream.</param>
/// <param name="PeerNet">True for a PeerNet node, false for an original one.</param>
/// <param name="Since">When the handshake completed.</param>
/// <param name="FramesIn">Frames received.</param>
/// <param name="FramesOut">Frames sent.</param>
/// <param name="BytesIn">Bytes received.</param>
/// <param name="BytesOut">Bytes sent.</param>
/// <param name="Discarded">Messages discarded for breaking a field limit.</param>
/// <param name="Dropped">Forwarded messages dropped at the peer's full send queue.</param>
/// <param name="Verified">True when the peer proved its node id in the handshake.</param>
public sealed record DashboardConnection(
    string PeerId, string? Address, string Direction, string Transport, bool PeerNet, DateTimeOffset Since,
    long FramesIn, long FramesOut, long BytesIn, long BytesOut, long Discarded, long Dropped, bool Verified)
{
    internal static DashboardConnection From(PeerTraffic t) => new(
        t.Peer.PeerId, t.Peer.Address, t.Peer.Direction == PeerDirection.Inbound ? "inbound" : "outbound", t.Peer.Transport,
        t.Peer.IsPeerNet, t.Peer.Since, t.FramesReceived, t.FramesSent, t.BytesReceived, t.BytesSent, t.MessagesDiscarded, t.SendsDropped,
        t.Peer.IsVerified);
}
