using PeerNet;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace PeerNet.Host.Hosting;

/// <summary>Serilog from the <c>Serilog</c> configuration section, plus two switches of PeerNet's own.</summary>
internal static class LoggingSetup
{
    /// <summary>Configuration key: true writes compact JSON (one event per line) for container log collectors.</summary>
    public const string JsonKey = "Logging:Json";

    public static IServiceCollection AddPeerNetLogging(this IServiceCollection services) =>
        // preserveStaticLogger: each host owns its logger, so several hosts can live in one process (tests, benches).
        services.AddSerilog((sp, logger) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            // Defaults for a host started without appsettings.json; the Serilog section overrides them.
            logger.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information);
            logger.ReadFrom.Configuration(configuration)
                .ReadFrom.Services(sp)
                .Enrich.FromLogContext();
            if (configuration.GetValue<bool>($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.Debug)}"))
                logger.MinimumLevel.Override("PeerNet", LogEventLevel.Debug);
            if (configuration.GetValue<bool>(JsonKey))
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            else
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
        }, preserveStaticLogger: true);
}
