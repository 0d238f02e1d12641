using PeerNet.Protocol;
using PeerNet.Gossip.Dissemination;
using PeerNet.Protocol.Wire;

namespace PeerNet.Simulation;

/// <summary>One end of a simulated link: how <see cref="Node"/>'s router sees <see cref="Peer"/>.</summary>
/// <remarks>Two references and the rule's state: a million-node network holds ten million of these.</remarks>
public sealed class SimulatedLink : GossipLink
{
    internal SimulatedLink(SimulatedNode peer) => Peer = peer;

    /// <summary>The node whose router holds this link.</summary>
    public SimulatedNode Node => Reverse.Peer;

    /// <summary>The node at the other end.</summary>
    public SimulatedNode Peer { get; }

    /// <summary>The same link as the peer's router sees it.</summary>
    public SimulatedLink Reverse { get; internal set; } = null!;

    /// <summary>False when the peer is an original node.</summary>
    public override bool TakesControlFrames => !Peer.IsOriginal;

    /// <summary>Always accepted: a send to a dead peer is lost on the way, and the sender never learns.</summary>
    public override bool TrySend(Message message, bool own)
    {
        Peer.Network.Carry(this, message);
        return true;
    }

    /// <summary>Always accepted, as a message is.</summary>
    public override bool TrySend(ControlFrame frame, bool own)
    {
        Peer.Network.Carry(this, frame);
        return true;
    }

    internal void Receive(Message message) => Peer.Network.Arrive(this, message);

    internal void Receive(ControlFrame frame) => Peer.Network.Arrive(this, frame);
}
