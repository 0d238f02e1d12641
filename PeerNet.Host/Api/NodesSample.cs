namespace PeerNet.Host.Api;

/// <summary>A random sample of recently verified addresses (a successful connection within the last hour).</summary>
/// <param name="Items">The addresses, at most the <c>n</c> asked for; fewer (or none) when fewer are verified.</param>
public sealed record NodesSample(IReadOnlyList<NodeItem> Items);
