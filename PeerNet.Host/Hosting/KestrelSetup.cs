using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PeerNet.Host.Hosting;

/// <summary>
/// Kestrel's listeners. With <c>PeerNet:TcpPort</c> set, the raw TCP listener is added next to HTTP. Kestrel ignores
/// the configured URLs once any endpoint is added in code, so the HTTP URLs (ASPNETCORE_URLS, --urls,
/// ASPNETCORE_HTTP_PORTS) are re-added here from the same settings.
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

            var urls = HttpUrls(context.Configuration).ToList();
            foreach (var url in urls)
                Listen(kestrel, url);
            // A node whose HTTP listens on one IP (loopback, say) takes tcp peers on that IP too; otherwise on all.
            Action<ListenOptions> tcp = listen => listen.UseConnectionHandler<TcpPeerHandler>();
            var hosts = urls.Select(Host).Distinct().ToList();
            if (hosts is ["localhost"])
                kestrel.ListenLocalhost(tcpPort, tcp);
            else if (hosts is [var only] && IPAddress.TryParse(only, out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any))
                kestrel.Listen(ip, tcpPort, tcp);
            else
                kestrel.ListenAnyIP(tcpPort, tcp);
        });
    }

    private static IEnumerable<string> HttpUrls(IConfiguration configuration)
    {
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"];
        if (!string.IsNullOrWhiteSpace(urls))
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ports = configuration["http_ports"] ?? configuration["ASPNETCORE_HTTP_PORTS"];
        if (!string.IsNullOrWhiteSpace(ports))
            return ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}");
        return ["http://localhost:5000"];
    }

    private static string Host(string url) => ToUri(url).Host.Trim('[', ']');

    private static Uri ToUri(string url) =>
        new(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));

    private static void Listen(KestrelServerOptions kestrel, string url)
    {
        var uri = ToUri(url);
        Action<ListenOptions> https = uri.Scheme == Uri.UriSchemeHttps ? o => o.UseHttps() : _ => { };
        if (uri.Host == "localhost")
            kestrel.ListenLocalhost(uri.Port, https);
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
            kestrel.Listen(ip, uri.Port, https);
        else
            kestrel.ListenAnyIP(uri.Port, https);
    }
}
