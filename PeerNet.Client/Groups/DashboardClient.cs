using System.Runtime.CompilerServices;
using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>What the node's dashboard shows (off, 404, on a node with PeerNet:Dashboard false).</summary>
public sealed class DashboardClient
{
    private readonly ApiChannel _api;

    internal DashboardClient(ApiChannel api) => _api = api;

    /// <summary>One snapshot (<c>GET /api/dashboard</c>).</summary>
    public Task<DashboardSnapshot> GetAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<DashboardSnapshot>(PeerNetRoutes.Dashboard, PeerNetRoutes.Dashboard.Path(), null, cancellationToken);

    /// <summary>A snapshot a second (<c>GET /api/dashboard/events</c>) until the caller stops.</summary>
    public async IAsyncEnumerable<DashboardSnapshot> StreamAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await _api.SendAsync(PeerNetRoutes.DashboardEvents, PeerNetRoutes.DashboardEvents.Path(), null, cancellationToken,
            streaming: true, accept: "text/event-stream");
        await foreach (var snapshot in EventStream.ReadAsync(response, EventStream.Messages<DashboardSnapshot>(), cancellationToken))
            yield return snapshot;
    }
}
