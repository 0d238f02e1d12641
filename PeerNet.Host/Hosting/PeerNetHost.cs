using Microsoft.AspNetCore.Http.Json;
using PeerNet.Host.Api;
using PeerNet.Host.Client;
using PeerNet.Host.Dashboard;
using PeerNet.Host.Errors;
using PeerNet.Host.RateLimiting;
using PeerNet.Host.Security;
using Serilog;

namespace PeerNet.Host.Hosting;

/// <summary>Builds and runs the PeerNet web host: the thin shell around <see cref="PeerNode"/>.</summary>
public static class PeerNetHost
{
    /// <summary>Largest REST request body accepted (a full batch of addresses fits comfortably).</summary>
    public const long MaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>Builds, runs and logs a fatal start failure (such as invalid options) before exiting with 1.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is [HealthProbe.Argument, .. var settings])
            return await HealthProbe.RunAsync(settings);
        try
        {
            await using var app = Build(WebApplication.CreateBuilder(args));
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is not HostAbortedException)
        {
            // The host's own logger may not exist yet (bad configuration fails before it does).
            using var fallback = new LoggerConfiguration().WriteTo.Console().CreateLogger();
            fallback.Fatal(ex, "PeerNet host failed to start or stopped unexpectedly: {Reason}", ex.Message);
            return 1;
        }
    }

    /// <summary>Registers PeerNet and the host's services, then maps every endpoint.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.Services.AddPeerNetLogging();
        builder.Services.AddPeerNet();
        builder.Services.AddPeerNetWriteAccess();
        builder.Services.AddPeerNetRateLimits();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailDefaults.Fill);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // bad input becomes a problem detail with the reason
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddHealthChecks().AddCheck<PeerNetReadinessCheck>("peernet", tags: [HealthApi.ReadyTag]);
        builder.Services.AddPeerNetSwagger();
        builder.AddPeerNetMetricsExport();
        builder.Services.AddPeerNetDashboard();
        builder.ConfigurePeerNetKestrel();

        var app = builder.Build();
        app.UsePeerEndpoint(); // first: a peer's connection holds no REST middleware's state (see PeerEndpoints)
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // The host's own Serilog logger: the static one stays silent so several hosts can share a process.
        app.UseSerilogRequestLogging(o =>
        {
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.GetLevel = RequestLogLevel.Of;
        });
        app.UseRateLimiter(); // before the write rule: a flood is turned away before any key is checked
        app.UseAuthentication();
        app.UseAuthorization();
        app.UsePeerNetSwagger();

        app.MapHealthApi();
        app.MapPeerNetMetrics();
        app.MapNodeApi();
        app.MapCensusApi();
        app.MapNodesApi();
        app.MapConnectionsApi();
        app.MapAnnounceApi();
        app.MapAnnouncesApi();
        app.MapRequestsApi();
        app.MapTopicsApi();
        app.MapPeerNetDashboard();
        app.MapBrowserClient();
        return app;
    }
}
