namespace PeerNet.Client;

/// <summary>One page of known addresses: <c>GET /api/nodes</c>.</summary>
/// <param name="Items">The addresses of this page.</param>
/// <param name="Next">Cursor of the next page (pass as <c>after</c>); null after the last page.</param>
public sealed record NodesPage(IReadOnlyList<NodeItem> Items, string? Next);
