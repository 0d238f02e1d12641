namespace PeerNet.Client;

/// <summary>A member a lookup found: an item of <c>GET /api/topics/{topic}/peers</c>.</summary>
/// <param name="Address">The application's address, as registered (opaque text; PeerNet never dials it).</param>
/// <param name="NodeId">The node holding the registration.</param>
/// <param name="AgeSeconds">Seconds since it was first registered there.</param>
public sealed record TopicMember(string Address, string NodeId, double AgeSeconds)
{
    /// <summary><see cref="AgeSeconds"/> as a time span.</summary>
    public TimeSpan Age => TimeSpan.FromSeconds(AgeSeconds);
}
