using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PeerNet.Addressing;

/// <summary>
/// The network group of an address or of a connection's source, as Bitcoin Core's addrman groups them: one party
/// controls whole ranges more easily than many, so the address table limits what one group may fill. IPv4 by /16,
/// IPv6 by /32, a DNS name by its last two labels (its domain). Loopback is not exempt but finer: each loopback source IP is its own group
/// (so attacks can be tested on loopback), and a loopback address or a <c>localhost</c> name is grouped with its port
/// (so an honest network of many nodes on one loopback IP spreads over the table as real hosts would).
/// </summary>
public static class AddressGroup
{
    /// <summary>The group of a peer address (what it names).</summary>
    public static string Of(PeerAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var host = address.Host;
        var literal = host.Length > 1 && host[0] == '[' ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var ip))
        {
            if (ip.IsIPv4MappedToIPv6)
                ip = ip.MapToIPv4();
            return IPAddress.IsLoopback(ip)
                ? string.Create(CultureInfo.InvariantCulture, $"L|{ip}:{address.Port}")
                : OfRoutable(ip);
        }
        return host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"L|{host}:{address.Port}")
            : "N|" + LastTwoLabels(host);
    }

    /// <summary>The group of a connection's source: the remote IP's /16 (IPv4) or /32 (IPv6); a loopback IP itself.</summary>
    public static string OfSource(IPAddress remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        // The inbound caps' rule of what a source is (mapped IPv4 is IPv4, each loopback IP its own), at netgroup width.
        var prefix = SourcePrefix.Group(remote, 16, 32);
        return prefix.IsLoopback ? "L|" + prefix.Network.BaseAddress : OfRoutable(prefix.Network.BaseAddress);
    }

    /// <summary>
    /// The endpoint an address reaches (host and port): aliases of one endpoint that differ only in path or scheme
    /// share it, so the table holds at most one of them per bucket.
    /// </summary>
    public static string EndpointOf(PeerAddress address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address.Host}:{address.Port}");

    /// <summary>
    /// A name's last two labels: whoever holds a domain can mint any number of names under it (a wildcard record), so
    /// they are one group, not one each. Coarse for public suffixes such as <c>co.uk</c> (all of it is one group): only
    /// fewer buckets for those names, never more for an attacker.
    /// </summary>
    private static string LastTwoLabels(string host)
    {
        var trimmed = host.TrimEnd('.');
        var last = trimmed.LastIndexOf('.');
        if (last <= 0)
            return trimmed;
        var second = trimmed.LastIndexOf('.', last - 1);
        return second < 0 ? trimmed : trimmed[(second + 1)..];
    }

    private static string OfRoutable(IPAddress ip)
    {
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        return ip.AddressFamily == AddressFamily.InterNetwork
            ? string.Create(CultureInfo.InvariantCulture, $"4|{bytes[0]}.{bytes[1]}")
            : string.Create(CultureInfo.InvariantCulture, $"6|{bytes[0]:x2}{bytes[1]:x2}:{bytes[2]:x2}{bytes[3]:x2}");
    }
}
