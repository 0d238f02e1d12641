using System.Net;
using System.Net.Sockets;
using PeerNet.Addressing;

namespace PeerNet.Gossip;

/// <summary>
/// Which addresses gossip may make this node learn and dial: gossip must not turn a fleet into a scanner of hosts' own
/// networks. Link-local (169.254.169.254 included), cloud metadata (fd00:ec2::254, 100.100.100.200), multicast and
/// unspecified addresses are never learned; loopback (and <c>localhost</c>, <c>localhost.</c>) only on a local test
/// network (when this node itself advertises a loopback address); private ranges (RFC 1918, CGNAT 100.64/10, ULA
/// fc00::/7) unless <see cref="RefusesPrivate"/>. NAT64 addresses (64:ff9b::/96) are judged by the IPv4 they embed.
/// Explicit saves (REST, library, Seeds) do not pass through here.
/// </summary>
public sealed class AddressScope
{
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork[] PrivateRanges =
        [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("fc00::/7")];
    private static readonly IPAddress[] Metadata = [IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("100.100.100.200")];

    /// <summary>A scope that learns loopback addresses only when <paramref name="allowLoopback"/> is true, private ones unless <paramref name="refusePrivate"/>.</summary>
    public AddressScope(bool allowLoopback, bool refusePrivate = false)
    {
        AllowsLoopback = allowLoopback;
        RefusesPrivate = refusePrivate;
    }

    /// <summary>The scope of a node advertising <paramref name="advertised"/>: loopback is learned only if one of them is loopback; private ranges are.</summary>
    public static AddressScope For(IEnumerable<PeerAddress> advertised) => new(advertised.Any(IsLoopback));

    /// <summary>
    /// The scope of a node advertising <paramref name="advertised"/> under <paramref name="policy"/>: in Auto, private
    /// ranges are refused when one advertised address is a globally routable IP literal, or when
    /// <paramref name="advertisesGlobalName"/> (one advertised name resolves to such an IP).
    /// </summary>
    public static AddressScope For(IReadOnlyCollection<PeerAddress> advertised, PrivateAddressPolicy policy, bool advertisesGlobalName = false)
    {
        ArgumentNullException.ThrowIfNull(advertised);
        var refuse = policy switch
        {
            PrivateAddressPolicy.Refuse => true,
            PrivateAddressPolicy.Allow => false,
            _ => advertisesGlobalName || advertised.Any(a => TryGetIp(a, out var ip) && IsGlobal(ip)),
        };
        return new AddressScope(advertised.Any(IsLoopback), refuse);
    }

    /// <summary>True when loopback addresses may be learned.</summary>
    public bool AllowsLoopback { get; }

    /// <summary>True when private, CGNAT and ULA addresses are refused too.</summary>
    public bool RefusesPrivate { get; }

    /// <summary>Null when <paramref name="address"/> may be learned by gossip, else why not (a DNS name is judged at dial time, resolved).</summary>
    public string? Refusal(PeerAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        const string loopback = "loopback address, and this node advertises none";
        if (IsLocalhostName(address.Host))
            return AllowsLoopback ? null : loopback;
        return TryGetIp(address, out var ip) ? Refusal(ip) : null;
    }

    /// <summary>Null when <paramref name="ip"/> may be dialled by gossip (a learned address, a resolved name), else why not.</summary>
    public string? Refusal(IPAddress ip)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ip = Unwrap(ip);
        if (IPAddress.IsLoopback(ip))
            return AllowsLoopback ? null : "loopback address, and this node advertises none";
        if (Fixed(ip) is { } never)
            return never;
        if (RefusesPrivate && IsPrivate(ip))
            return "private, CGNAT or ULA address, and PeerNet:GossipPrivateAddresses refuses them";
        return null;
    }

    /// <summary>True for a globally routable unicast IP: none of loopback, link-local, metadata, multicast, unspecified, private, CGNAT or ULA.</summary>
    public static bool IsGlobal(IPAddress ip)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ip = Unwrap(ip);
        return !IPAddress.IsLoopback(ip) && Fixed(ip) is null && !IsPrivate(ip);
    }

    /// <summary>True for 127.0.0.0/8, ::1 and the name localhost (and its subdomains, with or without a trailing dot).</summary>
    public static bool IsLoopback(PeerAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return IsLocalhostName(address.Host) || (TryGetIp(address, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>The IP literal of <paramref name="address"/>'s host (IPv4-mapped and NAT64 unwrapped); false for a DNS name.</summary>
    public static bool TryGetIp(PeerAddress address, out IPAddress ip)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!IPAddress.TryParse(address.Host.Trim('[', ']'), out ip!))
            return false;
        ip = Unwrap(ip);
        return true;
    }

    /// <summary>Why <paramref name="ip"/> is never learned whatever the options, or null.</summary>
    private static string? Fixed(IPAddress ip)
    {
        if (Metadata.Contains(ip))
            return "cloud metadata address";
        if (ip.Equals(IPAddress.IPv6Any)) // IPv4's 0.0.0.0 is caught with the rest of 0.0.0.0/8 below
            return "unspecified address";
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            if (b[0] == 169 && b[1] == 254)
                return "link-local address";
            if (b[0] >= 224 && b[0] <= 239)
                return "multicast address";
            if (b[0] == 0 || b.All(x => x == 255))
                return "unspecified or broadcast address";
            return null;
        }
        if (ip.IsIPv6LinkLocal)
            return "link-local address";
        if (ip.IsIPv6Multicast)
            return "multicast address";
        return null;
    }

    private static bool IsPrivate(IPAddress ip) => PrivateRanges.Any(r => r.Contains(ip));

    /// <summary>IPv4-mapped and NAT64 (64:ff9b::/96) addresses reach the IPv4 they embed: they are judged as it.</summary>
    private static IPAddress Unwrap(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6)
            return ip.MapToIPv4();
        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(ip))
            return new IPAddress(ip.GetAddressBytes().AsSpan(12, 4));
        return ip;
    }

    private static bool IsLocalhostName(string host)
    {
        host = host.TrimEnd('.'); // "localhost." is the same name, fully qualified
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }
}
