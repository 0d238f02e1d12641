using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PeerNet.Host.Hosting;

/// <summary>
/// Kestrel's listeners. With <c>PeerNet:TcpPort</c> set, the raw TCP listener is added next to HTTP. Kestrel drops
/// the configured URLs (ASPNETCORE_URLS, --urls, HTTP_PORTS) once any endpoint is added in code, so they are
/// re-added here exactly as Kestrel binds them: <c>*</c>, <c>+</c> and host names on every IP, IPv6 and IPv4;
/// <c>localhost</c> on both loopbacks. Kestrel:Endpoints it keeps binding itself.
/// </summary>
internal static class KestrelSetup
{
    public static void ConfigurePeerNetKestrel(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.Limits.MaxRequestBodySize = PeerNetHost.MaxRequestBodyBytes;
            var tcpPort = context.Configuration.GetValue<int>($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.TcpPort)}");
            if (tcpPort <= 0)
                return;

            var http = HttpListenUrls.From(context.Configuration);
            var urls = http.Urls.Select(ServerUrl.Parse).ToList();
            if (http.Source != HttpListenSource.KestrelEndpoints)
                foreach (var url in urls)
                    ListenHttp(kestrel, url);
            ListenTcp(kestrel, tcpPort, urls);
        });
    }

    // The same listener Kestrel's address binder makes for the URL (its AddressBinder.ParseAddress).
    private static void ListenHttp(KestrelServerOptions kestrel, ServerUrl url)
    {
        Action<ListenOptions> scheme = url.Https ? listen => listen.UseHttps() : _ => { };
        switch (url.Kind)
        {
            case ServerUrlKind.UnixSocket:
                kestrel.ListenUnixSocket(url.Pipe!, scheme);
                break;
            case ServerUrlKind.NamedPipe:
                kestrel.ListenNamedPipe(url.Pipe!, scheme);
                break;
            case ServerUrlKind.Localhost:
                kestrel.ListenLocalhost(url.Port, scheme);
                break;
            case ServerUrlKind.Ip:
                kestrel.Listen(url.Ip!, url.Port, scheme); // [::] is dual-stack: Kestrel sets DualMode for IPv6Any
                break;
            default:
                kestrel.ListenAnyIP(url.Port, scheme);
                break;
        }
    }

    // tcp peers are taken where HTTP is reachable: on every IP as soon as one HTTP URL is a wildcard (or only
    // sockets are configured), else on HTTP's own IPs and loopbacks, so a loopback-only node stays loopback-only.
    private static void ListenTcp(KestrelServerOptions kestrel, int port, IReadOnlyList<ServerUrl> http)
    {
        Action<ListenOptions> tcp = listen => listen.UseConnectionHandler<TcpPeerHandler>();
        var network = http.Where(url => url.IsNetwork).ToList();
        if (network.Count == 0 || network.Any(url => url.IsWildcard))
        {
            kestrel.ListenAnyIP(port, tcp);
            return;
        }

        var localhost = network.Any(url => url.Kind == ServerUrlKind.Localhost);
        if (localhost)
            kestrel.ListenLocalhost(port, tcp);
        foreach (var ip in network.Where(url => url.Kind == ServerUrlKind.Ip).Select(url => url.Ip!).Distinct())
        {
            if (localhost && (ip.Equals(IPAddress.Loopback) || ip.Equals(IPAddress.IPv6Loopback)))
                continue; // already bound by ListenLocalhost
            kestrel.Listen(ip, port, tcp);
        }
    }
}
