namespace PeerNet.Storage;

/// <summary>Which part of the address table holds a known address (stored as an integer: do not renumber).</summary>
public enum AddressKind
{
    /// <summary>Saved explicitly (REST, library, seeds): never evicted by gossip, outside the table's bound.</summary>
    Explicit = 0,

    /// <summary>Learned, then connected to successfully: the bounded "tried" table.</summary>
    Tried = 1,

    /// <summary>Learned from a peer and never connected to: the bounded "new" table.</summary>
    New = 2,
}
