namespace PeerNet.Peers;

/// <summary>Who dialled.</summary>
public enum PeerDirection
{
    /// <summary>The peer dialled this node.</summary>
    Inbound,

    /// <summary>This node dialled the peer.</summary>
    Outbound,
}
