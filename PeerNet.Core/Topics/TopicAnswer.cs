using PeerNet.Protocol;

namespace PeerNet.Topics;

/// <summary>One answer to a lookup: the topic's hash, the node that holds the members, and the members with their ages.</summary>
internal sealed record TopicAnswer(byte[] Hash, NodeId Node, IReadOnlyList<(string Address, TimeSpan Age)> Members);
