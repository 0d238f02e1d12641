using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>The node itself: who it is, and a census of its network.</summary>
public sealed class NodeClient
{
    private readonly ApiChannel _api;

    internal NodeClient(ApiChannel api) => _api = api;

    /// <summary>The node's id, version, advertised addresses and counts (<c>GET /api/node</c>).</summary>
    public Task<NodeInfo> GetAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<NodeInfo>(PeerNetRoutes.Node, PeerNetRoutes.Node.Path(), null, cancellationToken);

    /// <summary>
    /// Runs a census (<c>GET /api/census</c>): every PeerNet node's id, version and peers, gathered for
    /// <paramref name="timeout"/> (100 ms to 10 s; the node's default of 2 s when null). Needs write access.
    /// </summary>
    public Task<CensusResult> CensusAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<CensusResult>(PeerNetRoutes.Census,
            new QueryString(PeerNetRoutes.Census.Path()).Add("timeoutMs", Milliseconds(timeout)).ToString(), null, cancellationToken);

    internal static int? Milliseconds(TimeSpan? timeout) => timeout is { } t ? (int)Math.Ceiling(t.TotalMilliseconds) : null;
}
