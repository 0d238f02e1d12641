using PeerNet.Addressing;

namespace PeerNet.Peers;

/// <summary>One open inbound connection as <see cref="InboundEviction"/> sees it.</summary>
/// <param name="Source">Its remote IP's prefix; null when the transport has no IP (each such connection shares one group).</param>
/// <param name="Handshaken">True once its handshake completed.</param>
/// <param name="ConnectedAt">When it opened.</param>
public readonly record struct EvictionCandidate(SourcePrefix? Source, bool Handshaken, DateTimeOffset ConnectedAt);
