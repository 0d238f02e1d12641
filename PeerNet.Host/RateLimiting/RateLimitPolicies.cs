namespace PeerNet.Host.RateLimiting;

/// <summary>The REST API's rate-limit policies, by name; endpoints opt in with <c>RequireRateLimiting(name)</c>.</summary>
internal static class RateLimitPolicies
{
    /// <summary>POST and DELETE on /api/nodes and /api/connections: a token bucket per client.</summary>
    public const string Writes = "writes";

    /// <summary>POST /api/announce and GET /api/census, each of which the whole network answers: a token bucket per client.</summary>
    public const string Announces = "announces";

    /// <summary>Event streams (GET /api/requests, /api/dashboard/events): open streams per client.</summary>
    public const string Streams = "streams";

    /// <summary>Announce streams one client holds open at once (the global limiter, next to <see cref="Announces"/>).</summary>
    public const string OpenAnnounces = "open-announces";
}
