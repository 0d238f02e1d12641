using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using PeerNet.Host.Hosting;
using PeerNet.Host.RateLimiting;

namespace PeerNet.Host.Dashboard;

/// <summary>
/// The live dashboard: the page at <c>/</c> (its script and style under <c>/dashboard/</c>), one snapshot at
/// <c>/api/dashboard</c> and a snapshot a second as Server-Sent Events at <c>/api/dashboard/events</c>. With
/// <c>PeerNet:Dashboard</c> false none of them is mapped (404), and the meter is not sampled.
/// </summary>
internal static class DashboardApi
{
    // The page loads nothing but its own script and style and talks only to its own host.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IServiceCollection AddPeerNetDashboard(this IServiceCollection services)
    {
        services.AddSingleton<MeterSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<MeterSampler>());
        return services;
    }

    public static IEndpointRouteBuilder MapPeerNetDashboard(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<PeerNetOptions>>().Value.Dashboard)
            return app;

        app.MapGet("/", (HttpContext context) => Serve(context, "index.html")).ExcludeFromDescription();
        app.MapGet("/dashboard/{name}", (HttpContext context, string name) => Serve(context, name)).ExcludeFromDescription();

        var api = app.MapGroup("/api/dashboard").WithTags("Dashboard");
        api.MapGet("/", (PeerNode node, MeterSampler sampler, TimeProvider time) => TypedResults.Ok(Snapshot(node, sampler, time, history: true)))
            .WithName("GetDashboard")
            .WithSummary("What the dashboard shows now: this node, its connections with their traffic, known and removed counts, rates, the meter.")
            .WithDescription("Off (404) with PeerNet:Dashboard false: it publishes the node's peers.");
        api.MapGet("/events", (PeerNode node, MeterSampler sampler, TimeProvider time) =>
                new EventStreamResult<DashboardSnapshot>(Stream(node, sampler, time)))
            .WithName("StreamDashboard").RateLimited(RateLimitPolicies.Streams)
            .WithSummary("The dashboard's snapshot once a second as Server-Sent Events; the first carries the last 5 minutes of rates (history).")
            .WithDescription("Each event is a snapshot as GET /api/dashboard answers it; history is in the first event only (later ones carry " +
                "the latest rates). Rates per second come from the node's own PeerNet meter, sampled once a second. Off (404) with PeerNet:Dashboard false.")
            .Produces<DashboardSnapshot>(StatusCodes.Status200OK, "text/event-stream");
        return app;
    }

    private static async IAsyncEnumerable<DashboardSnapshot> Stream(PeerNode node, MeterSampler sampler, TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return Snapshot(node, sampler, time, history: true);
        while (true)
        {
            await sampler.WaitForSampleAsync(cancellationToken);
            yield return Snapshot(node, sampler, time, history: false);
        }
    }

    internal static DashboardSnapshot Snapshot(PeerNode node, MeterSampler sampler, TimeProvider time, bool history)
    {
        var now = time.GetUtcNow();
        var started = node.StartedAt;
        return new DashboardSnapshot
        {
            Time = now,
            Node = new DashboardNode(node.Id, PeerNode.Version, node.AdvertisedAddresses, started,
                started is { } at ? Math.Max(0, Math.Round((now - at).TotalSeconds, 1)) : 0),
            Known = node.KnownCount,
            Removed = node.RemovedCount,
            Connections = [.. node.ConnectionTraffic().Select(DashboardConnection.From)],
            Rates = sampler.LatestRate(),
            History = history ? sampler.RateHistory() : null,
            Meter = sampler.Instruments(),
        };
    }

    /// <summary>The dashboard's page, script and style (see PeerNet.Host.csproj).</summary>
    private static readonly EmbeddedAssets Assets = new("dashboard/");

    private static IResult Serve(HttpContext context, string name) => Assets.Serve(context, name, (asset, headers) =>
    {
        if (!asset.ContentType.StartsWith("text/html", StringComparison.Ordinal))
            return;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
    });
}
