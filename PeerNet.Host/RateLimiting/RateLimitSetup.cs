using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PeerNet.Host.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter with the policies of <see cref="RateLimitPolicies"/>, partitioned by client
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
                Client(context, RateLimitPolicies.Writes, limits), _ => Bucket(limits.WritesPerSecond, limits.WriteBurst)));
            limiter.AddPolicy(RateLimitPolicies.Announces, context => RateLimitPartition.GetTokenBucketLimiter(
                Client(context, RateLimitPolicies.Announces, limits), _ => Bucket(limits.AnnouncesPerSecond, limits.AnnounceBurst)));
            // The permit is held until the endpoint returns, which for an event stream is when the stream ends.
            limiter.AddPolicy(RateLimitPolicies.Streams, context => RateLimitPartition.GetConcurrencyLimiter(
                Client(context, RateLimitPolicies.Streams, limits), _ => Concurrency(limits.StreamsPerClient)));
            // An endpoint takes one policy; the global limiter, asked first, adds the open-announce bound to the
            // announce rate. Every other request gets the one shared no-limit partition.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, int>(context =>
                context.GetEndpoint()?.Metadata.GetMetadata<OpenAnnounceLimit>() is null
                    ? RateLimitPartition.GetNoLimiter(NoLimit)
                    : RateLimitPartition.GetConcurrencyLimiter(Client(context, RateLimitPolicies.OpenAnnounces, limits),
                        _ => Concurrency(limits.OpenAnnouncesPerClient)));
        });
        return services;
    }

    /// <summary>Also bounds how many of the endpoint's requests (announce streams) one client holds open at once.</summary>
    public static TBuilder OpenAnnouncesLimited<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(OpenAnnounceLimit.Instance);

    /// <summary>Puts the endpoint under <paramref name="policy"/> (one of <see cref="RateLimitPolicies"/>) and lists its 429.</summary>
    public static TBuilder RateLimited<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(policy).WithMetadata(new ProducesResponseTypeMetadata(
            StatusCodes.Status429TooManyRequests, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));

    // The global limiter's key for requests it does not limit: no client's partition (those are 0 and up, or Unknown).
    private const int NoLimit = int.MinValue;

    // The request's client partition; notes the limit asked last, which is the one that refused if the request is refused.
    private static int Client(HttpContext context, string limit, RateLimitOptions limits)
    {
        context.Items[RateLimitRejection.LimitItem] = limit;
        return ClientPartition.Of(context.Connection.RemoteIpAddress, limits.Partitions);
    }

    private static ConcurrencyLimiterOptions Concurrency(int permits) => new() { PermitLimit = permits, QueueLimit = 0 };

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
