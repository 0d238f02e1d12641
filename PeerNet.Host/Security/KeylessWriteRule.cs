using System.Net;

namespace PeerNet.Host.Security;

/// <summary>Why a write without an API key was refused (or <see cref="Allowed"/>).</summary>
internal enum KeylessVerdict
{
    Allowed,

    /// <summary>The client is not on loopback.</summary>
    NotLoopback,

    /// <summary>A loopback client that addressed the node by a name that is not loopback's: DNS rebinding, or a proxy.</summary>
    ForeignHost,

    /// <summary>A browser sent it from another site's page (Origin or Sec-Fetch-Site say so): cross-site request forgery.</summary>
    CrossSite,

    /// <summary>A proxy forwarded it (X-Forwarded-For, Forwarded or Via): the client behind it is not on loopback.</summary>
    Proxied,
}

/// <summary>
/// The rule for writes on a node with no API key: the client is on loopback; it addressed the node as loopback
/// (<c>Host</c> is <c>localhost</c> or a loopback IP literal, any port), which a page on a rebound DNS name cannot
/// do; and no browser marked it as sent from another site. Scripts (curl, a sidecar's HTTP client) send neither
/// <c>Origin</c> nor <c>Sec-Fetch-Site</c>; browsers send <c>Origin</c> on every cross-origin POST, and
/// <c>Sec-Fetch-Site</c> on every request, so a page elsewhere cannot make a keyless node announce (threat L10).
/// </summary>
internal static class KeylessWriteRule
{
    public static KeylessVerdict Check(IPAddress? remote, string? host, string? origin, string? fetchSite, bool proxied = false)
    {
        if (!IsLoopback(remote))
            return KeylessVerdict.NotLoopback;
        if (!IsLoopbackHost(host))
            return KeylessVerdict.ForeignHost;
        // A same-host reverse proxy often passes Host as the upstream's (nginx's default is 127.0.0.1:PORT), but it
        // says it forwarded the request: whoever sent it is elsewhere.
        if (proxied)
            return KeylessVerdict.Proxied;
        // "same-origin" is the node's own dashboard; "none" a user typing the URL. "same-site" is another port of
        // localhost, which is another application: refused as well.
        if (fetchSite is not null && fetchSite is not ("same-origin" or "none"))
            return KeylessVerdict.CrossSite;
        if (origin is not null && !SameOrigin(origin, host!))
            return KeylessVerdict.CrossSite;
        return KeylessVerdict.Allowed;
    }

    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>
    /// True for <c>localhost</c> (any case; not <c>localhost.</c> and not <c>*.localhost</c>, which a resolver may
    /// send elsewhere) or a loopback IP literal (<c>127.x.x.x</c>, <c>[::1]</c>), with or without a port.
    /// </summary>
    public static bool IsLoopbackHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
            return false;
        var name = new HostString(host).Host;
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        if (name.StartsWith('[') && name.EndsWith(']'))
            name = name[1..^1];
        else if (name.Contains(':'))
            return false; // an IPv6 literal must be bracketed in Host
        return IPAddress.TryParse(name, out var ip) && IsLoopback(ip);
    }

    // The node's own pages (the dashboard) send Origin equal to the host they were loaded from.
    private static bool SameOrigin(string origin, string host) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.Equals(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}", host, StringComparison.OrdinalIgnoreCase);
}
