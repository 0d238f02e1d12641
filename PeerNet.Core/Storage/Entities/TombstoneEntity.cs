namespace PeerNet.Storage.Entities;

/// <summary>A removed address: node exchange must not learn it again until the tombstone expires.</summary>
public sealed class TombstoneEntity
{
    /// <summary>Ring position: the leading 64 bits of the hex SHA-512 of <see cref="Address"/> (see <see cref="Addressing.PeerAddress.RingPosition"/>).</summary>
    public long Ring { get; set; }

    /// <summary>The normalized address.</summary>
    public required string Address { get; set; }

    /// <summary>When it was removed, Unix milliseconds.</summary>
    public long RemovedAt { get; set; }

    /// <summary>
    /// True when purge removed it (blocked for <see cref="PeerNetOptions.PurgedTtl"/>); false for an explicit remove
    /// (blocked for <see cref="PeerNetOptions.RemovedTtl"/>).
    /// </summary>
    public bool Purged { get; set; }
}
