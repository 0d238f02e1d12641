using System.Runtime.CompilerServices;
using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>The node's known addresses: list, save, remove, sample, stats.</summary>
public sealed class NodesClient
{
    private readonly ApiChannel _api;

    internal NodesClient(ApiChannel api) => _api = api;

    /// <summary>One page of known addresses (<c>GET /api/nodes</c>); pass a page's <see cref="NodesPage.Next"/> as <paramref name="after"/> for the next.</summary>
    public Task<NodesPage> ListAsync(int? limit = null, string? after = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<NodesPage>(PeerNetRoutes.ListNodes,
            new QueryString(PeerNetRoutes.ListNodes.Path()).Add("limit", limit).Add("after", after).ToString(), null, cancellationToken);

    /// <summary>Every known address, page after page of <paramref name="pageSize"/> (one page in memory at a time).</summary>
    public async IAsyncEnumerable<string> ListAllAsync(int? pageSize = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        do
        {
            var page = await ListAsync(pageSize, after, cancellationToken);
            foreach (var item in page.Items)
                yield return item.Address;
            after = page.Next;
        }
        while (after is not null);
    }

    /// <summary>Saves addresses (<c>POST /api/nodes</c>); returns how many were new. A batch with an invalid address is refused whole (400 naming each).</summary>
    public async Task<int> SaveAsync(IEnumerable<string> addresses, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync<SavedAnswer>(PeerNetRoutes.SaveNodes, PeerNetRoutes.SaveNodes.Path(), new { addresses = addresses.ToList() }, cancellationToken)).Saved;

    /// <summary>Removes addresses and their stats (<c>DELETE /api/nodes</c>); returns how many were known.</summary>
    public async Task<int> RemoveAsync(IEnumerable<string> addresses, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync<RemovedAnswer>(PeerNetRoutes.RemoveNodes, PeerNetRoutes.RemoveNodes.Path(), new { addresses = addresses.ToList() }, cancellationToken)).Removed;

    /// <summary>A random sample of recently verified addresses (<c>GET /api/nodes/sample</c>), for HTTP bootstrap.</summary>
    public async Task<IReadOnlyList<string>> SampleAsync(int? n = null, CancellationToken cancellationToken = default) =>
        [.. (await _api.SendAsync<NodesSample>(PeerNetRoutes.SampleNodes,
            new QueryString(PeerNetRoutes.SampleNodes.Path()).Add("n", n).ToString(), null, cancellationToken)).Items.Select(i => i.Address)];

    /// <summary>Connection statistics of one address (<c>GET /api/nodes/stats</c>); 404 when it is neither known nor has stats.</summary>
    public Task<AddressStats> GetStatsAsync(string address, CancellationToken cancellationToken = default) =>
        _api.SendAsync<AddressStats>(PeerNetRoutes.NodeStats,
            new QueryString(PeerNetRoutes.NodeStats.Path()).Add("address", address).ToString(), null, cancellationToken);
}
