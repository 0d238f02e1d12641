using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using PeerNet.Addressing;

namespace PeerNet.Gossip.Seeds;

/// <summary>What a configured seed names.</summary>
public enum SeedKind
{
    /// <summary>An address dialled as written (an IP literal, <c>localhost</c>, or a custom transport's address): saved at start.</summary>
    Address,

    /// <summary>A ws, wss or tcp address whose host is a DNS name: its A/AAAA records are resolved at every bootstrap round.</summary>
    Host,

    /// <summary><c>srv+ws://_service._proto.domain/path</c> (or srv+wss, srv+tcp): its SRV records, then their targets' A/AAAA.</summary>
    Service,
}

/// <summary>
/// One entry of <see cref="PeerNetOptions.Seeds"/>, parsed: a plain address, a DNS name expanded into one address per
/// resolved IP (keeping scheme, port, path and query), or an SRV name (<c>srv+ws://_peernet._tcp.example.org/peer</c>)
/// expanded into one address per SRV target's IP and port. Only ws, wss and tcp seeds are resolved: they are the
/// IP transports; a custom transport's seed is always dialled as written.
/// </summary>
public sealed class SeedSpec
{
    /// <summary>What marks an SRV seed: <c>srv+ws://</c>, <c>srv+wss://</c> or <c>srv+tcp://</c>.</summary>
    public const string SrvPrefix = "srv+";

    /// <summary>The schemes whose DNS names are resolved by PeerNet: the IP transports.</summary>
    public static readonly IReadOnlySet<string> ResolvedSchemes = PeerAddress.BuiltInSchemes;

    // Host: ":port" (when not the scheme's default) then path and query; Service: path and query.
    private readonly string _tail;

    private SeedSpec(SeedKind kind, string text, string scheme, string name, string tail, PeerAddress? address)
    {
        Kind = kind;
        Text = text;
        Scheme = scheme;
        Name = name;
        _tail = tail;
        Address = address;
    }

    /// <summary>What the seed names.</summary>
    public SeedKind Kind { get; }

    /// <summary>The seed, normalized (an address's normalized form; <c>srv+scheme://name/path</c> for an SRV seed).</summary>
    public string Text { get; }

    /// <summary>The scheme of the addresses it gives.</summary>
    public string Scheme { get; }

    /// <summary>The host (Address, Host) or the SRV name (Service).</summary>
    public string Name { get; }

    /// <summary>The seed as an address (Address and Host kinds); null for an SRV seed.</summary>
    public PeerAddress? Address { get; }

    /// <summary>Parses a seed under the address rules of <paramref name="schemes"/>, or says why it is not one.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        IReadOnlySet<string> schemes,
        [NotNullWhen(true)] out SeedSpec? seed,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(schemes);
        seed = null;
        if (text is not null && text.StartsWith(SrvPrefix, StringComparison.OrdinalIgnoreCase))
            return TryParseService(text, schemes, out seed, out error);

        if (!PeerAddress.TryParse(text, schemes, out var address, out error))
            return false;
        var kind = ResolvedSchemes.Contains(address.Scheme) && IsDnsName(address.Host) ? SeedKind.Host : SeedKind.Address;
        var tail = address.Value[(address.Scheme.Length + 3 + address.Host.Length)..];
        seed = new SeedSpec(kind, address.Value, address.Scheme, address.Host, tail, address);
        return true;
    }

    /// <summary>Parses a seed; throws naming what is wrong.</summary>
    /// <exception cref="FormatException">Not a valid seed.</exception>
    public static SeedSpec Parse(string text, IReadOnlySet<string>? schemes = null)
    {
        if (!TryParse(text, schemes ?? PeerAddress.BuiltInSchemes, out var seed, out var error))
            throw new FormatException($"'{PeerAddress.Shorten(text)}' is not a valid seed: {error}.");
        return seed;
    }

    /// <summary>
    /// True for a host PeerNet would resolve: neither an IP literal nor <c>localhost</c> (or a subdomain of it, RFC 6761),
    /// which never leave the machine and are dialled as written.
    /// </summary>
    public static bool IsDnsName(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.StartsWith('[') || IPAddress.TryParse(host, out _))
            return false;
        return !host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && !host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The address text for one resolved IP: for a Host seed, this seed's address with <paramref name="ip"/> as host;
    /// for a Service seed, <paramref name="ip"/> with the SRV record's <paramref name="port"/>. To be parsed by the node's rules.
    /// </summary>
    public string CandidateFor(IPAddress ip, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(ip);
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        var host = ip.AddressFamily == AddressFamily.InterNetworkV6
            ? "[" + new IPAddress(ip.GetAddressBytes()) + "]" // without a zone id: an address is the same on every host
            : ip.ToString();
        return Kind switch
        {
            SeedKind.Host => $"{Scheme}://{host}{_tail}",
            SeedKind.Service => $"{Scheme}://{host}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}{_tail}",
            _ => throw new InvalidOperationException("An address seed is dialled as written, not resolved."),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static bool TryParseService(string text, IReadOnlySet<string> schemes, out SeedSpec? seed, out string? error)
    {
        seed = null;
        var inner = text[SrvPrefix.Length..];
        var separator = inner.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator > 0 ? inner[..separator].ToLowerInvariant() : "";
        if (!ResolvedSchemes.Contains(scheme) || !schemes.Contains(scheme))
        {
            error = $"an SRV seed is srv+ws://, srv+wss:// or srv+tcp:// followed by the SRV name (srv+ws://_peernet._tcp.example.org/peer)";
            return false;
        }
        var rest = inner[(separator + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        if (authority.Contains('@', StringComparison.Ordinal))
        {
            error = "user info (user:password@) is not allowed";
            return false;
        }
        if (authority.Contains(':', StringComparison.Ordinal) || authority.StartsWith('['))
        {
            error = "an SRV seed names a DNS name without a port: the SRV records give the ports";
            return false;
        }
        // The address rules check everything else (host, path, query, length) on the address with a stand-in port.
        if (!PeerAddress.TryParse($"{scheme}://{authority}:1{rest[authority.Length..]}", schemes, out var probe, out error))
            return false;
        if (!IsDnsName(probe.Host))
        {
            error = "an SRV seed names a DNS name (srv+ws://_peernet._tcp.example.org/peer), not an IP address or localhost";
            return false;
        }
        var tail = probe.Value[(scheme.Length + 3 + probe.Host.Length + 2)..];
        if (SrvPrefix.Length + probe.Value.Length - 2 > PeerAddress.MaxLength)
        {
            error = $"seed is longer than {PeerAddress.MaxLength} characters";
            return false;
        }
        seed = new SeedSpec(SeedKind.Service, $"{SrvPrefix}{scheme}://{probe.Host}{tail}", scheme, probe.Host, tail, null);
        return true;
    }
}
