namespace PeerNet.Storage.Entities;

/// <summary>Per-address counters (the original's getStats), one row per address, updated in place.</summary>
public sealed class StatsEntity
{
    /// <summary>Ring position: the leading 64 bits of the hex SHA-512 of <see cref="Address"/> (see <see cref="Addressing.PeerAddress.RingPosition"/>).</summary>
    public long Ring { get; set; }

    /// <summary>The normalized address.</summary>
    public required string Address { get; set; }

    /// <summary>Successful outbound connections.</summary>
    public long ConnectionsOk { get; set; }

    /// <summary>Failed outbound connections.</summary>
    public long ConnectionsFail { get; set; }

    /// <summary>Addresses received from this peer in node exchange.</summary>
    public long NodesRx { get; set; }

    /// <summary>Addresses sent to this peer in node exchange.</summary>
    public long NodesTx { get; set; }

    /// <summary>Last successful connection, Unix milliseconds.</summary>
    public long? LastOkAt { get; set; }

    /// <summary>Last failed connection, Unix milliseconds.</summary>
    public long? LastFailAt { get; set; }

    /// <summary>
    /// The first failed connection since the last successful one (or ever), Unix milliseconds; null while the last
    /// connection succeeded. Purge forgets an address only once it has been failing for a while.
    /// </summary>
    public long? FailingSince { get; set; }

    /// <summary>Last time addresses were received, Unix milliseconds.</summary>
    public long? LastRxAt { get; set; }

    /// <summary>Last time addresses were sent, Unix milliseconds.</summary>
    public long? LastTxAt { get; set; }
}
