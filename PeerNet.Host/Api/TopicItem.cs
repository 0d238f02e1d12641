using PeerNet.Topics;

namespace PeerNet.Host.Api;

/// <summary>A topic this node holds members of (<c>GET /api/topics</c>).</summary>
/// <param name="Topic">Its name.</param>
/// <param name="Hash">Its hash on the wire, lowercase hex.</param>
/// <param name="Members">Its members here.</param>
public sealed record TopicItem(string Topic, string Hash, IReadOnlyList<RegisteredMember> Members);
