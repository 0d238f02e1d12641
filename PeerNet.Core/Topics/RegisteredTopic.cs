namespace PeerNet.Topics;

/// <summary>A topic this node holds members of.</summary>
/// <param name="Topic">Its name.</param>
/// <param name="Hash">Its hash on the wire, lowercase hex.</param>
/// <param name="Members">Its members here, not expired.</param>
public sealed record RegisteredTopic(string Topic, string Hash, IReadOnlyList<RegisteredMember> Members);
