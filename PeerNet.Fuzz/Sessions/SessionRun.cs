using PeerNet.Protocol.Wire;

namespace PeerNet.Fuzz.Sessions;

/// <summary>What one input's session did: the messages the node sent, and whether the peer was admitted.</summary>
public sealed record SessionRun(IReadOnlyList<Message> Sent, bool Handshaken);

