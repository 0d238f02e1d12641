namespace PeerNet.Storage.Entities;

/// <summary>A known address: rows are appended in the order saved, and a unique index orders them by ring position.</summary>
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

    /// <summary>Which part of the address table holds it: saved explicitly, tried (connected to) or new (only learned).</summary>
    public AddressKind Kind { get; set; }

    /// <summary>
    /// Its place in the bounded table of its <see cref="Kind"/> (bucket times bucket size plus position, see
    /// <see cref="AddressTable"/>); null for explicit saves, which live outside the bound.
    /// </summary>
    public int? Slot { get; set; }
}
