using System.ComponentModel.DataAnnotations;

namespace PeerNet.Host.RateLimiting;

/// <summary>
/// Per-client rate limits of the REST API (the <c>RateLimits</c> configuration section), enforced by ASP.NET Core's
/// rate limiter. A client is its IPv4 address or its IPv6 /64. The defaults stay far above what a sidecar or a script
/// does, and bound what one client can make the node (and, through announces, the network) do.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>Writes (POST and DELETE on /api/nodes and /api/connections) a client may make per second, on average. Default 100.</summary>
    [Range(1, 1_000_000)]
    public int WritesPerSecond { get; set; } = 100;

    /// <summary>Writes a client may make at once before the per-second rate applies (the token bucket's size). Default 200.</summary>
    [Range(1, 1_000_000)]
    public int WriteBurst { get; set; } = 200;

    /// <summary>Announces (POST /api/announce, with a report or not) and censuses a client may start per second. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int AnnouncesPerSecond { get; set; } = 20;

    /// <summary>Announces and censuses a client may start at once before the per-second rate applies. Default 40.</summary>
    [Range(1, 1_000_000)]
    public int AnnounceBurst { get; set; } = 40;

    /// <summary>Event streams (GET /api/requests, /api/dashboard/events) one client may hold open at once. Default 8.</summary>
    [Range(1, 10_000)]
    public int StreamsPerClient { get; set; } = 8;

    /// <summary>
    /// Most clients tracked apart per limit: clients are hashed (with a per-process key) into this many partitions,
    /// so an attacker with many addresses cannot grow the limiter's table past it; past it, clients share. Default 4096.
    /// </summary>
    [Range(1, 1_048_576)]
    public int Partitions { get; set; } = 4096;

    /// <summary>
    /// Announces (their response streams, up to timeoutMs each) one client may hold open at once, next to the
    /// announce rate: each holds a buffer of responses. Default 64 (20 a second of 2 s each are 40).
    /// </summary>
    [Range(1, 100_000)]
    public int OpenAnnouncesPerClient { get; set; } = 64;
}
