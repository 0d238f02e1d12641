using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Configuration;
using PeerNet.Gossip;
using PeerNet.Peers;
using PeerNet.Storage;
using PeerNet.Transport;

namespace PeerNet;

/// <summary>Registers PeerNet in a service collection.</summary>
public static class PeerNetServiceCollectionExtensions
{
    /// <summary>
    /// Adds a PeerNet node: options bound from the <c>PeerNet</c> configuration section (unknown keys and bad values
    /// stop the host at start, naming the key), the SQLite store from <c>ConnectionStrings:PeerNet</c>, the
    /// <see cref="PeerNode"/> facade and the hosted service that runs it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional changes applied after configuration binding.</param>
    /// <param name="connectionString">Overrides <c>ConnectionStrings:PeerNet</c> when given.</param>
    public static IServiceCollection AddPeerNet(
        this IServiceCollection services,
        Action<PeerNetOptions>? configure = null,
        string? connectionString = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<PeerNetOptions>()
            .Configure<IServiceProvider>((o, sp) =>
                sp.GetService<IConfiguration>()?.GetSection(PeerNetOptions.SectionName)
                    .Bind(o, binder => binder.ErrorOnUnknownConfiguration = true));
        if (configure is not null)
            options.Configure(configure);
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PeerNetOptions>, PeerNetOptionsAnnotationsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PeerNetOptions>, PeerNetOptionsValidator>());

        // PeerNet:Debug turns PeerNet's own categories up to Debug (Serilog hosts apply the same switch themselves).
        services.AddSingleton<IConfigureOptions<LoggerFilterOptions>>(sp => new ConfigureOptions<LoggerFilterOptions>(filters =>
        {
            if (sp.GetRequiredService<IOptions<PeerNetOptions>>().Value.Debug)
                filters.AddFilter("PeerNet", LogLevel.Debug);
        }));

        services.AddMetrics(); // IMeterFactory: one PeerNet meter per node (per service provider)
        services.TryAddSingleton<PeerNetMetrics>();
        services.TryAddSingleton<PeerNetLimits>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RandomSource>();
        services.TryAddSingleton(sp => new StoreLocation(
            connectionString ?? sp.GetService<IConfiguration>()?.GetConnectionString(StoreLocation.ConnectionStringName),
            sp.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory));
        services.AddPooledDbContextFactory<PeerStoreContext>((sp, db) =>
            db.UseSqlite(sp.GetRequiredService<StoreLocation>().ConnectionString));
        services.TryAddSingleton<PeerStore>();
        services.TryAddSingleton<NodeIdentity>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPeerTransport, WebSocketTransport>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPeerTransport, TcpTransport>());
        services.TryAddSingleton<TransportRegistry>();
        services.TryAddSingleton<AddressRules>();
        services.TryAddSingleton<PeerTable>();
        services.TryAddSingleton<PeerNetwork>();
        services.TryAddSingleton<Gossip.Census.CensusResponder>();
        services.TryAddSingleton<Gossip.Census.CensusService>();
        services.TryAddSingleton<Topics.TopicRegistry>();
        services.TryAddSingleton<Topics.TopicResponder>();
        services.TryAddSingleton<Topics.TopicService>();
        services.TryAddSingleton<PeerNode>();
        services.TryAddSingleton<Gossip.Seeds.ISeedResolver, Gossip.Seeds.DnsSeedResolver>();
        services.TryAddSingleton<Gossip.Seeds.SeedExpander>();
        services.TryAddSingleton<Gossip.DialScope>();
        services.TryAddSingleton<Gossip.GossipDialer>();
        services.TryAddSingleton<Bootstrapper>();
        services.TryAddSingleton<Gossip.Healing.FeelerDialer>();
        services.TryAddSingleton<Gossip.Healing.OutboundRotation>();
        services.TryAddSingleton<Gossip.Healing.AnchorRecorder>();
        services.TryAddSingleton<NodeExchange>();
        services.TryAddSingleton<Purger>();
        services.TryAddSingleton<Gossip.Announcing.RequestHub>();
        services.TryAddSingleton<Gossip.Announcing.AnnounceRouter>();
        services.TryAddSingleton<Gossip.Announcing.ReplyHandles>();
        services.TryAddSingleton<Gossip.Announcing.DeliveryReports>();
        services.TryAddSingleton<GossipEngine>();
        // Order matters: hosted services start in registration order and stop in reverse, so the store opens
        // before the engine runs and flushes after it stopped.
        services.AddHostedService<PeerNetService>();
        services.AddHostedService(sp => sp.GetRequiredService<GossipEngine>());
        return services;
    }
}
