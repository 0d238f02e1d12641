using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PeerNet.Host.Api;

/// <summary>Liveness and readiness, mapped as API endpoints so Swagger documents them too.</summary>
internal static class HealthApi
{
    /// <summary>Tag of the checks /readyz runs.</summary>
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("").WithTags("Health");
        health.MapGet("/healthz", () => TypedResults.Ok(new HealthAnswer("Healthy", "the process runs")))
            .WithName("Liveness").WithSummary("200 while the process runs.");
        health.MapGet("/readyz", Ready)
            .WithName("Readiness").WithSummary("200 once the store is open and the engine runs, else 503.")
            .Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<HealthAnswer>, JsonHttpResult<HealthAnswer>>> Ready(
        HealthCheckService checks, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(c => c.Tags.Contains(ReadyTag), cancellationToken);
        var status = new HealthAnswer(report.Status.ToString(),
            string.Join("; ", report.Entries.Select(e => $"{e.Key}: {e.Value.Description}")));
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(status)
            : TypedResults.Json(status, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>A health answer.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
/// <param name="Description">What was checked.</param>
public sealed record HealthAnswer(string Status, string Description);
