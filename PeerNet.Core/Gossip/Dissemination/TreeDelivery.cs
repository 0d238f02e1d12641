namespace PeerNet.Gossip.Dissemination;

/// <summary>What one link gets of a request the tree rule pushes (<see cref="PlumtreeRule.DeliveryFor"/>).</summary>
public enum TreeDelivery
{
    /// <summary>Nothing: it sent the request, or it announced the id to this node.</summary>
    None,

    /// <summary>A full copy: an eager link, or an original peer.</summary>
    Copy,

    /// <summary>The id only (IHAVE): a lazy PeerNet peer.</summary>
    Ihave,
}
