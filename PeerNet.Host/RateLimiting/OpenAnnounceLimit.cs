namespace PeerNet.Host.RateLimiting;

/// <summary>Endpoint metadata: the global limiter bounds this endpoint's open requests per client (RateLimits:OpenAnnouncesPerClient).</summary>
internal sealed class OpenAnnounceLimit
{
    public static readonly OpenAnnounceLimit Instance = new();

    private OpenAnnounceLimit()
    {
    }
}
