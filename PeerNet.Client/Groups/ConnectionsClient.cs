using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>The node's handshaken peers: list, dial, drop.</summary>
public sealed class ConnectionsClient
{
    private readonly ApiChannel _api;

    internal ConnectionsClient(ApiChannel api) => _api = api;

    /// <summary>The handshaken peers (<c>GET /api/connections</c>).</summary>
    public Task<List<ConnectionInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<List<ConnectionInfo>>(PeerNetRoutes.ListConnections, PeerNetRoutes.ListConnections.Path(), null, cancellationToken);

    /// <summary>Dials <paramref name="address"/> (<c>POST /api/connections</c>); answers after the handshake. 409 when already connected, 502 when the dial fails.</summary>
    public Task<Connected> ConnectAsync(string address, CancellationToken cancellationToken = default) =>
        _api.SendAsync<Connected>(PeerNetRoutes.Connect, PeerNetRoutes.Connect.Path(), new { address }, cancellationToken);

    /// <summary>Closes the outbound connection to <paramref name="address"/> (<c>DELETE /api/connections?address=</c>); 404 when not connected.</summary>
    public Task DisconnectAsync(string address, CancellationToken cancellationToken = default) =>
        _api.SendNoContentAsync(PeerNetRoutes.Disconnect,
            new QueryString(PeerNetRoutes.Disconnect.Path()).Add("address", address).ToString(), null, cancellationToken);

    /// <summary>Closes the connection to the peer with node id <paramref name="peerId"/>, inbound or outbound; 404 when not connected.</summary>
    public Task DisconnectPeerAsync(string peerId, CancellationToken cancellationToken = default) =>
        _api.SendNoContentAsync(PeerNetRoutes.Disconnect,
            new QueryString(PeerNetRoutes.Disconnect.Path()).Add("peerId", peerId).ToString(), null, cancellationToken);
}
