using System.Net;
using System.Net.Sockets;
using PeerNet.Addressing;

namespace PeerNet.Gossip;

/// <summary>
/// Which addresses node exchange may save: gossip must not turn a fleet into a scanner of hosts' own networks.
/// Link-local, multicast and unspecified addresses are never learned; loopback only on a local test network
/// (when this node itself advertises a loopback address). Private ranges are fine: clusters use them.
/// Explicit saves (REST, library, Seeds) do not pass through here.
/// </summary>
public sealed class AddressScope
{
    /// <summary>A scope that learns loopback addresses only when <paramref name="allowLoopback"/> is true.</summary>
    public AddressScope(bool allowLoopback) => AllowsLoopback = allowLoopback;

    /// <summary>The scope of a node advertising <paramref name="advertised"/>: loopback is learned only if one of them is loopback.</summary>
    public static AddressScope For(IEnumerable<PeerAddress> advertised) => new(advertised.Any(IsLoopback));

    /// <summary>True when loopback addresses may be learned.</summary>
    public bool AllowsLoopback { get; }

    /// <summary>Null when <paramref name="address"/> may be learned by gossip, else why not.</summary>
    public string? Refusal(PeerAddress address)
    {
        const string loopback = "loopback address, and this node advertises none";
        if (IsLocalhostName(address.Host))
            return AllowsLoopback ? null : loopback;
        return TryGetIp(address, out var ip) ? Refusal(ip) : null; // a DNS name: nothing to judge without resolving it
    }

    /// <summary>Null when <paramref name="ip"/> may be dialled by gossip (a learned address, a seed's resolved IP), else why not.</summary>
    public string? Refusal(IPAddress ip)
    {
        ArgumentNullException.ThrowIfNull(ip);
        const string loopback = "loopback address, and this node advertises none";
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip))
            return AllowsLoopback ? null : loopback;
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

    /// <summary>True for 127.0.0.0/8, ::1 and the name localhost (and its subdomains).</summary>
    public static bool IsLoopback(PeerAddress address)
    {
        return IsLocalhostName(address.Host) || (TryGetIp(address, out var ip) && IPAddress.IsLoopback(ip));
    }

    private static bool IsLocalhostName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private static bool TryGetIp(PeerAddress address, out IPAddress ip)
    {
        var host = address.Host.Trim('[', ']');
        if (!IPAddress.TryParse(host, out ip!))
            return false;
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        return true;
    }
}
