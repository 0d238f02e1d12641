using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>One handshaken peer as the <see cref="PlumtreeRouter"/> sees it.</summary>
/// <remarks>
/// The router compares links by reference, may hand the same <see cref="Message"/> instance to several links
/// and never changes a message after handing it over; implementations must not change it either.
/// <see cref="TrySend"/> must not call back into the router.
/// </remarks>
public interface IGossipLink
{
    /// <summary>
    /// True for a PeerNet peer whose _hello extension sets <c>HelloFeatures.ControlFrames</c>. False for an original
    /// node: it gets only full copies, always (an eager link that is never pruned), and never a control frame.
    /// </summary>
    bool TakesControlFrames { get; }

    /// <summary>
    /// Non-blocking enqueue of a wire message; false when it was dropped (queue full or link closed).
    /// <paramref name="own"/> marks the node's own announce (its copies and IHAVEs): a link may make those wait for
    /// room rather than drop them, as it may drop traffic forwarded for others.
    /// </summary>
    bool TrySend(Message message, bool own);
}
