namespace PeerNet.Host.Hosting;

/// <summary>Which setting the HTTP URLs came from, in Kestrel's order of precedence.</summary>
internal enum HttpListenSource
{
    /// <summary><c>Kestrel:Endpoints:NAME:Url</c>: Kestrel binds these itself and ignores the URLs below.</summary>
    KestrelEndpoints,

    /// <summary>The <c>urls</c> key: ASPNETCORE_URLS, DOTNET_URLS, --urls, or urls in appsettings.json.</summary>
    Urls,

    /// <summary>The <c>HTTP_PORTS</c> / <c>HTTPS_PORTS</c> keys (ASPNETCORE_HTTP_PORTS, ...): each port on every IP.</summary>
    Ports,

    /// <summary>None set: Kestrel's default.</summary>
    Default,
}

/// <summary>
/// Where Kestrel's HTTP listens, read from configuration the way ASP.NET Core reads it (WebHost's urls, then
/// HTTP_PORTS/HTTPS_PORTS expanded to <c>scheme://*:port</c>; Kestrel's own endpoints override both).
/// </summary>
internal sealed record HttpListenUrls(HttpListenSource Source, IReadOnlyList<string> Urls)
{
    /// <summary>Kestrel's address when nothing is configured.</summary>
    public const string DefaultUrl = "http://localhost:5000";

    public static HttpListenUrls From(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(endpoint => endpoint["Url"]).OfType<string>().Where(url => url.Length > 0).ToList();
        if (endpoints.Count > 0)
            return new(HttpListenSource.KestrelEndpoints, endpoints);

        var urls = Split(configuration[WebHostDefaults.ServerUrlsKey]).ToList();
        if (urls.Count > 0)
            return new(HttpListenSource.Urls, urls);

        var ports = Split(configuration[WebHostDefaults.HttpPortsKey]).Select(port => $"http://*:{port}")
            .Concat(Split(configuration[WebHostDefaults.HttpsPortsKey]).Select(port => $"https://*:{port}")).ToList();
        if (ports.Count > 0)
            return new(HttpListenSource.Ports, ports);

        return new(HttpListenSource.Default, [DefaultUrl]);
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
