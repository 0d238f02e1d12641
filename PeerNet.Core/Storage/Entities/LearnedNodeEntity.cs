namespace PeerNet.Storage.Entities;

/// <summary>
/// An address learned from a peer, in its slot of the bounded address table (<see cref="AddressTable"/>): the new
/// part until it is connected to, then the tried part. An address is either here or in the explicit table, never both.
/// </summary>
public sealed class LearnedNodeEntity
{
    /// <summary>Ring position: the leading 64 bits of the hex SHA-512 of <see cref="Address"/> (see <see cref="Addressing.PeerAddress.RingPosition"/>).</summary>
    public long Ring { get; set; }

    /// <summary>The normalized address.</summary>
    public required string Address { get; set; }

    /// <summary>When it was learned, Unix milliseconds.</summary>
    public long AddedAt { get; set; }

    /// <summary><see cref="AddressKind.New"/> or <see cref="AddressKind.Tried"/>.</summary>
    public AddressKind Kind { get; set; }

    /// <summary>Its slot in the table of its kind: bucket times <see cref="AddressTable.BucketSize"/> plus position.</summary>
    public int Slot { get; set; }
}
