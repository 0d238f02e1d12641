namespace PeerNet.Client;

/// <summary>A sample of recently verified addresses: <c>GET /api/nodes/sample</c>.</summary>
/// <param name="Items">The addresses, at most the number asked for.</param>
public sealed record NodesSample(IReadOnlyList<NodeItem> Items);
