using System.Net;
using System.Net.Sockets;

namespace PeerNet.Addressing;

/// <summary>
/// The network prefix a remote IP belongs to: the key of per-source limits (inbound connections, addresses learned)
/// and of netgroup diversity. An IPv4-mapped IPv6 address counts as its IPv4 address. Each loopback address is its own
/// prefix (/32, /128): attacks can be tested from 127.0.0.x, and local networks of many hosts keep one source each.
/// </summary>
/// <param name="Network">The prefix, its host bits zero.</param>
public readonly record struct SourcePrefix(IPNetwork Network)
{
    /// <summary>The prefix of <paramref name="ip"/>: its first <paramref name="v4Bits"/> (IPv4) or <paramref name="v6Bits"/> (IPv6) bits.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bit count outside 0-32 or 0-128.</exception>
    public static SourcePrefix Group(IPAddress ip, int v4Bits, int v6Bits)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentOutOfRangeException.ThrowIfNegative(v4Bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(v4Bits, 32);
        ArgumentOutOfRangeException.ThrowIfNegative(v6Bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(v6Bits, 128);
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        var v4 = ip.AddressFamily == AddressFamily.InterNetwork;
        var width = v4 ? 32 : 128;
        var bits = IPAddress.IsLoopback(ip) ? width : v4 ? v4Bits : v6Bits;
        Span<byte> bytes = stackalloc byte[width / 8];
        ip.TryWriteBytes(bytes, out _); // the scope id of a link-local IPv6 address is not part of its prefix
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new SourcePrefix(new IPNetwork(new IPAddress(bytes), bits));
    }

    /// <summary>True for an IPv4 prefix (IPv4-mapped addresses included).</summary>
    public bool IsIPv4 => Network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>True for the prefix of a loopback address (which is that one address).</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Network.BaseAddress) && Network.PrefixLength == (IsIPv4 ? 32 : 128);

    /// <inheritdoc />
    public override string ToString() => Network.ToString();
}
