using System.Net;
using System.Net.Sockets;

namespace PeerNet.Host.Hosting;

/// <summary>What a server URL makes Kestrel listen on.</summary>
internal enum ServerUrlKind
{
    /// <summary><c>localhost</c> (or a <c>.localhost</c> name): both loopbacks, 127.0.0.1 and [::1].</summary>
    Localhost,

    /// <summary>An IP literal: that address only (<c>0.0.0.0</c> is IPv4's every IP, <c>[::]</c> dual-stack every IP).</summary>
    Ip,

    /// <summary><c>*</c>, <c>+</c> or a host name: every IP, IPv6 and IPv4 (IPv4 alone where IPv6 is off).</summary>
    AnyIp,

    /// <summary><c>http://unix:/path</c>.</summary>
    UnixSocket,

    /// <summary><c>http://pipe:/name</c> (Windows).</summary>
    NamedPipe,
}

/// <summary>
/// One server URL (ASPNETCORE_URLS, --urls, Kestrel:Endpoints) read by Kestrel's own rules: Kestrel parses it with
/// <see cref="BindingAddress"/> and classifies the host as below, but keeps that code internal.
/// </summary>
internal sealed record ServerUrl(string Url, bool Https, ServerUrlKind Kind, IPAddress? Ip, int Port, string? Pipe)
{
    public static ServerUrl Parse(string url)
    {
        var address = BindingAddress.Parse(url);
        var https = address.Scheme.Equals(Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        if (!https && !address.Scheme.Equals(Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Unrecognized scheme in server address '{url}'. Only 'http://' and 'https://' are supported.");
        if (!string.IsNullOrEmpty(address.PathBase))
            throw new InvalidOperationException($"Server address '{url}' has a path: a path base can only be set with UsePathBase().");

        if (address.IsUnixPipe)
            return new(url, https, ServerUrlKind.UnixSocket, null, 0, address.UnixPipePath);
        if (address.IsNamedPipe)
            return new(url, https, ServerUrlKind.NamedPipe, null, 0, address.NamedPipeName);
        if (IsLocalhost(address.Host))
            return new(url, https, ServerUrlKind.Localhost, null, address.Port, null);
        if (IPAddress.TryParse(address.Host, out var ip))
            return new(url, https, ServerUrlKind.Ip, ip, address.Port, null);
        return new(url, https, ServerUrlKind.AnyIp, null, address.Port, null);
    }

    /// <summary>True for a TCP listener (not a Unix socket or named pipe).</summary>
    public bool IsNetwork => Kind is ServerUrlKind.Localhost or ServerUrlKind.Ip or ServerUrlKind.AnyIp;

    /// <summary>True when it listens on every IP: <c>*</c>, <c>+</c>, a host name, <c>0.0.0.0</c> or <c>[::]</c>.</summary>
    public bool IsWildcard =>
        Kind == ServerUrlKind.AnyIp || (Kind == ServerUrlKind.Ip && (Ip!.Equals(IPAddress.Any) || Ip.Equals(IPAddress.IPv6Any)));

    /// <summary>A host that reaches this listener from the same machine: wildcards become 127.0.0.1.</summary>
    public string LoopbackHost => Kind switch
    {
        ServerUrlKind.Localhost => "localhost",
        ServerUrlKind.Ip when !IsWildcard => Ip!.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Ip}]" : Ip.ToString(),
        // Every IP includes IPv4 loopback: [::] and AnyIp listen dual-stack (Kestrel sets DualMode), 0.0.0.0 is IPv4.
        _ => IPAddress.Loopback.ToString(),
    };

    // Kestrel's rule: localhost, and names under the .localhost top-level domain.
    private static bool IsLocalhost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) && host.Split('.', StringSplitOptions.RemoveEmptyEntries).Length > 1);
}
