namespace PeerNet.Peers;

/// <summary>Why this node dialled a peer: the engine's healing (feelers, rotation) closes only links it opened itself.</summary>
public enum DialPurpose
{
    /// <summary>Not dialled by this node: the peer dialled in.</summary>
    None,

    /// <summary>Asked for by the library or REST (<c>connect</c>): kept until someone disconnects it, never rotated.</summary>
    Explicit,

    /// <summary>Opened by bootstrap to keep <see cref="PeerNetOptions.Connections"/> peers (anchors too): may be rotated.</summary>
    Bootstrap,

    /// <summary>A feeler: a short test of a stored address that is not connected, closed once it exchanged addresses.</summary>
    Feeler,
}
