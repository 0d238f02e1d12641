namespace PeerNet.Client;

/// <summary>A completed dial: <c>POST /api/connections</c>.</summary>
/// <param name="Address">The normalized address dialled.</param>
/// <param name="PeerId">The peer's node id.</param>
public sealed record Connected(string Address, string PeerId);
