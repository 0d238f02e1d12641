using PeerNet.Topics;

namespace PeerNet.Host.Api;

/// <summary>A member a lookup found (<c>GET /api/topics/{topic}/peers</c>).</summary>
/// <param name="Address">The application's address, as registered.</param>
/// <param name="NodeId">The node holding the registration.</param>
/// <param name="AgeSeconds">Seconds since it was first registered there.</param>
public sealed record TopicPeerItem(string Address, string NodeId, double AgeSeconds)
{
    internal static TopicPeerItem From(TopicMember member) => new(member.Address, member.NodeId, Math.Round(member.Age.TotalSeconds, 1));
}
