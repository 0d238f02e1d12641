using System.Net;
using System.Net.Sockets;

namespace PeerNet.Host.RateLimiting;

/// <summary>
/// Which rate-limit partition a client falls in: its IPv4 address, or its IPv6 /64 (one host commonly holds a whole
/// /64, so its 2^64 addresses count once), hashed into a fixed number of partitions. The hash is
/// <see cref="HashCode"/>, keyed per process, so a client cannot pick addresses that land in another's partition.
/// Loopback clients have partitions of their own.
/// </summary>
internal static class ClientPartition
{
    /// <summary>The partition of a request without a remote address (an in-memory test server, a Unix socket).</summary>
    public const int Unknown = -1;

    /// <summary>Partitions kept for loopback clients, past the hashed ones.</summary>
    public const int LoopbackPartitions = 4097;

    public static int Of(IPAddress? address, int partitions)
    {
        if (address is null)
            return Unknown;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        // Loopback (the sidecar, the operator's scripts) never shares a partition with remote clients, who could
        // otherwise drain its bucket by landing in the same hashed one: each 127.x address its own (by its low 12 bits), ::1 one.
        if (IPAddress.IsLoopback(address))
            return address.AddressFamily == AddressFamily.InterNetworkV6
                ? partitions + LoopbackPartitions - 1
                : partitions + ((bytes[2] & 0x0f) << 8 | bytes[3]);
        var hash = address.AddressFamily == AddressFamily.InterNetworkV6
            ? HashCode.Combine(6, BitConverter.ToInt64(bytes[..8])) // the /64 prefix
            : HashCode.Combine(4, BitConverter.ToInt32(bytes[..written]));
        return (int)((uint)hash % (uint)partitions);
    }
}
