using System.Net;
using System.Net.Sockets;

namespace PeerNet.Host.RateLimiting;

/// <summary>
/// Which rate-limit partition a client falls in: its IPv4 address, or its IPv6 /64 (one host commonly holds a whole
/// /64, so its 2^64 addresses count once), hashed into a fixed number of partitions. The hash is
/// <see cref="HashCode"/>, keyed per process, so a client cannot pick addresses that land in another's partition.
/// </summary>
internal static class ClientPartition
{
    /// <summary>The partition of a request without a remote address (an in-memory test server, a Unix socket).</summary>
    public const int Unknown = -1;

    public static int Of(IPAddress? address, int partitions)
    {
        if (address is null)
            return Unknown;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        var hash = address.AddressFamily == AddressFamily.InterNetworkV6
            ? HashCode.Combine(6, BitConverter.ToInt64(bytes[..8])) // the /64 prefix
            : HashCode.Combine(4, BitConverter.ToInt32(bytes[..written]));
        return (int)((uint)hash % (uint)partitions);
    }
}
