using Serilog.Events;

namespace PeerNet.Host.Hosting;

/// <summary>
/// The level of the one log line per HTTP request: peer upgrades and probes (health, readiness, metrics scrapes)
/// at Debug, since peers and probes come often and each would be a line (threat L6); other failures at Error; the rest,
/// the REST API a person or sidecar uses, at Information.
/// </summary>
internal static class RequestLogLevel
{
    private static readonly string[] Quiet = [PeerEndpoints.Path, "/healthz", "/readyz", MetricsSetup.Path];

    public static LogEventLevel Of(HttpContext context, double elapsedMs, Exception? exception) =>
        Of(context.Request.Path, context.Response.StatusCode, exception);

    public static LogEventLevel Of(PathString path, int status, Exception? exception)
    {
        if (exception is not null)
            return LogEventLevel.Error;
        // A probe repeats every few seconds, a 503 from /readyz included: its prober reports the failure already.
        foreach (var quiet in Quiet)
        {
            if (path.Equals(quiet, StringComparison.OrdinalIgnoreCase))
                return LogEventLevel.Debug;
        }
        return status >= 500 ? LogEventLevel.Error : LogEventLevel.Information;
    }
}
