namespace PeerNet.Storage.Entities;

/// <summary>
/// An address saved explicitly (REST, library, seeds): rows are appended in the order saved, and a unique index orders
/// them by ring position. Learned addresses live in the bounded <see cref="LearnedNodeEntity"/> table instead.
/// </summary>
public sealed class NodeEntity
{
    /// <summary>Row id, in the order rows were added.</summary>
    public long Id { get; set; }

    /// <summary>Ring position: the leading 64 bits of the hex SHA-512 of <see cref="Address"/> (see <see cref="Addressing.PeerAddress.RingPosition"/>).</summary>
    public long Ring { get; set; }

    /// <summary>The normalized address.</summary>
    public required string Address { get; set; }

    /// <summary>When the address was first saved, Unix milliseconds.</summary>
    public long AddedAt { get; set; }
}
