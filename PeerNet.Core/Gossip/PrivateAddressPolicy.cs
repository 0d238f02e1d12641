namespace PeerNet.Gossip;

/// <summary>Whether addresses learned from gossip may name private ranges (<see cref="PeerNetOptions.GossipPrivateAddresses"/>).</summary>
public enum PrivateAddressPolicy
{
    /// <summary>
    /// Refuse them when this node advertises a globally routable IP (or a name resolving to one): a public node has
    /// no business dialling a peer's claim about some private network. Allow them otherwise (compose, Kubernetes).
    /// </summary>
    Auto,

    /// <summary>Private, CGNAT and ULA addresses may be learned and dialled (a private fleet).</summary>
    Allow,

    /// <summary>Private, CGNAT and ULA addresses from gossip are never learned or dialled.</summary>
    Refuse,
}
