namespace PeerNet.Host.Hosting;

/// <summary>
/// The <c>/readyz</c> URL <c>--healthcheck</c> asks, or why there is none: the node's first HTTP URL (an https one
/// only when it has no plain one), from the same settings Kestrel listens by, its host made reachable from the
/// node's own machine (wildcards become 127.0.0.1).
/// </summary>
internal sealed record ProbeTarget(Uri? Url, string? Problem)
{
    public static ProbeTarget Choose(IConfiguration configuration)
    {
        var urls = HttpListenUrls.From(configuration).Urls.Select(ServerUrl.Parse).Where(url => url.IsNetwork).ToList();
        var chosen = urls.FirstOrDefault(url => !url.Https) ?? urls.FirstOrDefault();
        if (chosen is null)
            return new(null, "the node listens on no TCP port (only Unix sockets or named pipes)");
        if (chosen.Port == 0)
            return new(null, $"{chosen.Url} takes its port from the OS at start, which the probe cannot know");
        var scheme = chosen.Https ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
        return new(new Uri($"{scheme}://{chosen.LoopbackHost}:{chosen.Port}/readyz"), null);
    }
}
