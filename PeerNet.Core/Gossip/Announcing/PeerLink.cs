using PeerNet.Gossip.Dissemination;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>A handshaken peer as the dissemination rule sees it.</summary>
internal sealed class PeerLink(PeerSession session, AnnounceRouter router) : IGossipLink
{
    public PeerSession Session { get; } = session;

    /// <inheritdoc />
    public bool TakesControlFrames { get; } = session.IsPeerNet && session.Features.HasFlag(HelloFeatures.ControlFrames);

    /// <summary>
    /// Forwarded traffic is dropped (and counted by the session) when the peer's queue is full; the node's own
    /// announces wait for room instead, off the router's loop.
    /// </summary>
    public bool TrySend(Message message, bool own)
    {
        if (!own)
            return Session.TrySend(message);
        if (Session.TryEnqueue(message))
            return true;
        if (Session.IsClosed)
            return false;
        // A peer that stopped reading must not collect an unbounded pile of parked sends.
        if (Interlocked.Increment(ref _waiting) > MaxWaitingOwnSends)
        {
            Interlocked.Decrement(ref _waiting);
            router.CountOwnSendDropped();
            return false;
        }
        router.SendOwnLater(Session, message, () => Interlocked.Decrement(ref _waiting));
        return true;
    }

    /// <summary>Own frames parked waiting for room in this peer's queue, at most; past it they are dropped and counted.</summary>
    public const int MaxWaitingOwnSends = 256;

    private int _waiting;
}
