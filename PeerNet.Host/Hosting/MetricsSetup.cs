using System.Security.Cryptography;
using System.Text;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace PeerNet.Host.Hosting;

/// <summary>
/// <c>/metrics</c> in Prometheus text format through OpenTelemetry's ASP.NET Core exporter: this node's
/// <c>PeerNet</c> meter, the runtime's, and ASP.NET Core's and Kestrel's. Open by default like <c>/healthz</c>;
/// <c>PeerNet:MetricsKey</c> makes it require <c>Authorization: Bearer KEY</c>.
/// </summary>
internal static class MetricsSetup
{
    public const string Path = "/metrics";

    // Meters of this host's own IMeterFactory only (MeterScope.Local): several hosts in one process (tests, the
    // benches) each export their own node, not every node's counters summed under one name.
    private static readonly string[] LocalMeters =
    [
        PeerNetMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.RateLimiting", // aspnetcore.rate_limiting.*: requests the REST limits turned away
    ];

    // Runtime gauges whose names end in "count": exported as `..._count`, which Prometheus reads as the count series
    // of a summary or histogram and promtool rejects. Renamed, not dropped.
    private static readonly (string From, string To)[] Renames =
    [
        ("dotnet.process.cpu.count", "dotnet.process.cpu.cores"),
        ("dotnet.assembly.count", "dotnet.assemblies.loaded"),
        ("dotnet.timer.count", "dotnet.timers.active"),
        ("dotnet.thread_pool.thread.count", "dotnet.thread_pool.threads"),
        ("dotnet.thread_pool.work_item.count", "dotnet.thread_pool.work_items.completed"),
    ];

    public static WebApplicationBuilder AddPeerNetMetricsExport(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(otel =>
        {
            otel.AddMeter([.. LocalMeters, "System.Runtime"]);
            ((IDeferredMeterProviderBuilder)otel).Configure((services, configured) =>
            {
                var local = services.GetRequiredService<IMeterFactory>();
                configured.AddView(instrument => ViewOf(instrument, local));
            });
            otel.AddPrometheusExporter();
        });
        return builder;
    }

    /// <summary>
    /// One view for every instrument: another host's meters (same names, another IMeterFactory: several hosts in one
    /// process, as in tests and benches) are dropped, so each host exports its own node; runtime gauges named
    /// "...count" are renamed; everything else passes as it is.
    /// </summary>
    private static MetricStreamConfiguration? ViewOf(System.Diagnostics.Metrics.Instrument instrument, IMeterFactory local)
    {
        if (instrument.Meter.Scope is not null && !ReferenceEquals(instrument.Meter.Scope, local) && LocalMeters.Contains(instrument.Meter.Name))
            return MetricStreamConfiguration.Drop;
        foreach (var (from, to) in Renames)
        {
            if (instrument.Name == from)
                return new MetricStreamConfiguration { Name = to };
        }
        return null;
    }

    public static IEndpointRouteBuilder MapPeerNetMetrics(this IEndpointRouteBuilder app)
    {
        var key = app.ServiceProvider.GetRequiredService<IOptions<PeerNetOptions>>().Value.MetricsKey;
        var endpoint = app.MapPrometheusScrapingEndpoint(Path);
        if (key is not null)
        {
            var expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));
            endpoint.AddEndpointFilter(async (context, next) =>
                Presented(context.HttpContext.Request) is { } given && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), expected)
                    ? await next(context)
                    : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                        detail: "/metrics needs the header Authorization: Bearer KEY with the node's PeerNet:MetricsKey."));
        }
        return app;
    }

    /// <summary>The key of an <c>Authorization: Bearer KEY</c> header, or null.</summary>
    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return null;
        var key = value["Bearer ".Length..].Trim();
        return key.Length == 0 ? null : key;
    }
}
