using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PeerNet.Host.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter with the three policies of <see cref="RateLimitPolicies"/>, partitioned by client
/// (<see cref="ClientPartition"/>). The limiter removes a partition's limiter once it has been idle for a while; the
/// partitions cap how many there can be. Rejections answer 429 (<see cref="RateLimitRejection"/>).
/// </summary>
internal static class RateLimitSetup
{
    public static IServiceCollection AddPeerNetRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>()
            .Configure<IConfiguration>((o, configuration) =>
                configuration.GetSection(RateLimitOptions.SectionName).Bind(o, binder => binder.ErrorOnUnknownConfiguration = true))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsAnnotationsValidator>();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, configured) =>
        {
            var limits = configured.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RateLimitRejection.WriteAsync;
            limiter.AddPolicy(RateLimitPolicies.Writes, context => RateLimitPartition.GetTokenBucketLimiter(
                ClientPartition.Of(context.Connection.RemoteIpAddress, limits.Partitions),
                _ => Bucket(limits.WritesPerSecond, limits.WriteBurst)));
            limiter.AddPolicy(RateLimitPolicies.Announces, context => RateLimitPartition.GetTokenBucketLimiter(
                ClientPartition.Of(context.Connection.RemoteIpAddress, limits.Partitions),
                _ => Bucket(limits.AnnouncesPerSecond, limits.AnnounceBurst)));
            // The permit is held until the endpoint returns, which for an event stream is when the stream ends.
            limiter.AddPolicy(RateLimitPolicies.Streams, context => RateLimitPartition.GetConcurrencyLimiter(
                ClientPartition.Of(context.Connection.RemoteIpAddress, limits.Partitions),
                _ => new ConcurrencyLimiterOptions { PermitLimit = limits.StreamsPerClient, QueueLimit = 0 }));
        });
        return services;
    }

    /// <summary>Puts the endpoint under <paramref name="policy"/> (one of <see cref="RateLimitPolicies"/>) and lists its 429.</summary>
    public static TBuilder RateLimited<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(policy).WithMetadata(new ProducesResponseTypeMetadata(
            StatusCodes.Status429TooManyRequests, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));

    // Refilled once a second, so a rejected client learns (Retry-After) to come back within a second or so. No queue:
    // a flood is answered at once instead of holding requests open.
    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
