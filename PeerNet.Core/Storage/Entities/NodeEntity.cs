namespace PeerNet.Storage.Entities;

/// <summary>A known address, keyed by its position on the hash ring, so keys spread evenly over the ring.</summary>
public sealed class NodeEntity
{
    /// <summary>Ring position: the leading 64 bits of the hex SHA-512 of <see cref="Address"/> (see <see cref="Addressing.PeerAddress.RingPosition"/>).</summary>
    public long Ring { get; set; }

    /// <summary>The normalized address.</summary>
    public required string Address { get; set; }

    /// <summary>When the address was first saved, Unix milliseconds.</summary>
    public long AddedAt { get; set; }
}
