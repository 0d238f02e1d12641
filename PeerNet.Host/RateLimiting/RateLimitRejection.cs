using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PeerNet.Host.RateLimiting;

/// <summary>The 429 answer: a problem detail naming the limit, and <c>Retry-After</c> in seconds.</summary>
internal static partial class RateLimitRejection
{
    /// <summary>Retry-After when the limiter has no estimate (open streams end when their clients close them).</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>HttpContext item: the limit the request was checked against last (a <see cref="RateLimitPolicies"/> name).</summary>
    public const string LimitItem = "PeerNet.RateLimit";

    public static async ValueTask WriteAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var estimate) && estimate > TimeSpan.Zero
            ? estimate
            : DefaultRetryAfter;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var policy = context.Items[LimitItem] as string ?? "";
        var detail = policy switch
        {
            RateLimitPolicies.OpenAnnounces => $"This client has as many announces open as {RateLimitOptions.SectionName}:{nameof(RateLimitOptions.OpenAnnouncesPerClient)} allows; let one end first.",
            RateLimitPolicies.Streams => $"This client has as many event streams open as {RateLimitOptions.SectionName}:{nameof(RateLimitOptions.StreamsPerClient)} allows; close one first.",
            RateLimitPolicies.Announces => $"This client started more announces or censuses than {RateLimitOptions.SectionName}:{nameof(RateLimitOptions.AnnouncesPerSecond)} allows; retry after {seconds} s.",
            _ => $"This client made more writes than {RateLimitOptions.SectionName}:{nameof(RateLimitOptions.WritesPerSecond)} allows; retry after {seconds} s.",
        };
        Log.Rejected(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimitRejection)),
            policy, context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Errors.ProblemResponse.WriteAsync(context.RequestServices.GetRequiredService<IProblemDetailsService>(), new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }

    private static partial class Log
    {
        // Next free event id: 1102.
        [LoggerMessage(1101, LogLevel.Debug, "Rate limit {Policy} rejected {Method} {Path} from {Client}")]
        public static partial void Rejected(ILogger logger, string policy, string method, PathString path, string client);
    }
}
