using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>One handshaken peer as a dissemination rule sees it.</summary>
/// <remarks>
/// Rules compare links by reference, may hand the same <see cref="Message"/> instance to several links and never
/// change a message after handing it over; implementations must not change it either. <see cref="TrySend(Message, bool)"/> must not
/// call back into the rule. The rule keeps its per-link state on the link itself (no table keyed by link).
/// </remarks>
public abstract class GossipLink
{
    /// <summary>
    /// True for a PeerNet peer whose _hello extension sets <c>HelloFeatures.ControlFrames</c>. False for an original
    /// node: it gets only full copies, always (an eager link that is never pruned), and never a control frame.
    /// </summary>
    public abstract bool TakesControlFrames { get; }

    /// <summary>
    /// Non-blocking enqueue of a wire message; false when it was dropped (queue full or link closed).
    /// <paramref name="own"/> marks the node's own announce (its copies and IHAVEs): a link may make those wait for
    /// room rather than drop them, as it may drop traffic forwarded for others.
    /// </summary>
    public abstract bool TrySend(Message message, bool own);

    /// <summary>
    /// As <see cref="TrySend(Message, bool)"/> for a control frame, which the rule builds as bytes. A link that carries
    /// bytes sends them as they are; by default the frame is parsed into a <see cref="Message"/> first (links that
    /// record messages, in tests).
    /// </summary>
    public virtual bool TrySend(ControlFrame frame, bool own) => TrySend(frame.ToMessage(), own);

    private static int s_lastOwner;

    /// <summary>
    /// This link as the owner of cache entries it caused (a number unique in the process, never 0), so caches can
    /// give each peer a share without holding a reference to its session.
    /// </summary>
    internal int Owner { get; } = NextOwner();

    private static int NextOwner()
    {
        var owner = Interlocked.Increment(ref s_lastOwner);
        return owner != 0 ? owner : Interlocked.Increment(ref s_lastOwner); // skip 0 (nobody) when it wraps
    }

    /// <summary>The rule's state for this link while the rule holds it; only the rule's loop touches it.</summary>
    internal LinkState? Dissemination { get; set; }
}
