namespace PeerNet.Client;

/// <summary>A topic this node holds members of: an item of <c>GET /api/topics</c>.</summary>
/// <param name="Topic">Its name.</param>
/// <param name="Hash">Its hash on the wire, lowercase hex.</param>
/// <param name="Members">Its members on this node.</param>
public sealed record TopicInfo(string Topic, string Hash, IReadOnlyList<TopicRegistration> Members);
