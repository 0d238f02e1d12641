namespace PeerNet.Gossip.Dissemination;

/// <summary>Which peers get a full copy of an announce request.</summary>
public enum DisseminationRule
{
    /// <summary>
    /// Plumtree (docs/dissemination.md): full copies along an eager spanning tree, IHAVE to the other PeerNet peers,
    /// GRAFT to repair; original peers always get full copies.
    /// </summary>
    Tree,

    /// <summary>
    /// The original peernet rule, for comparison: own announces to every peer, others' to <see cref="DisseminationSettings.Fanout"/>
    /// random peers; no control frames.
    /// </summary>
    RandomFanout,
}
