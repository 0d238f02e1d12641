namespace PeerNet.Topics;

/// <summary>A member of a topic that a lookup found.</summary>
/// <param name="Address">The application's own address, as registered (opaque text; PeerNet never dials it).</param>
/// <param name="NodeId">The node that holds the registration, 32 hex characters.</param>
/// <param name="Age">How long ago the member was first registered there, as that node said (plus the time it spent in this node's cache).</param>
public sealed record TopicMember(string Address, string NodeId, TimeSpan Age);
