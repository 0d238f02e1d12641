namespace PeerNet.Storage.Entities;

/// <summary>A known address. Keyed by the hex SHA-512 of the address, so keys spread evenly over a ring.</summary>
public sealed class NodeEntity
{
    /// <summary>Lowercase hex SHA-512 of <see cref="Address"/> (128 characters).</summary>
    public required string Key { get; set; }

    /// <summary>The normalized address.</summary>
    public required string Address { get; set; }

    /// <summary>When the address was first saved, Unix milliseconds.</summary>
    public long AddedAt { get; set; }
}
