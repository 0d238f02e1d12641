using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PeerNet.Bench;

/// <summary>
/// Many PeerNet nodes in one process without a web host each: every node is its own service provider
/// (<c>AddPeerNet</c>, its own SQLite file, gossip engine quiet), and one shared Kestrel server maps
/// <c>/peer/{index}</c> to node <c>index</c> through PeerNet.Host's own /peer accept. Hundreds of full
/// WebApplications would cost far more memory and start-up.
/// </summary>
internal sealed class LeanCluster : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly ServiceProvider[] _providers;
    private readonly string _folder;

    private LeanCluster(WebApplication server, ServiceProvider[] providers, PeerNode[] nodes, string folder, int port)
    {
        _server = server;
        _providers = providers;
        _folder = folder;
        Nodes = nodes;
        Port = port;
    }

    /// <summary>The nodes, by index.</summary>
    public PeerNode[] Nodes { get; }

    /// <summary>The shared server's port.</summary>
    public int Port { get; }

    /// <summary>Node <paramref name="index"/>'s peer address.</summary>
    public string AddressOf(int index) => $"ws://127.0.0.1:{Port}/peer/{index}";

    /// <summary>Starts <paramref name="count"/> nodes behind one server; <paramref name="configure"/> adjusts each node's options.</summary>
    public static async Task<LeanCluster> StartAsync(int count, Action<PeerNetOptions> configure)
    {
        var folder = Path.Combine(Path.GetTempPath(), "peernet-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var providers = new ServiceProvider[count];
        var nodes = new PeerNode[count];
        for (var i = 0; i < count; i++)
        {
            var services = new ServiceCollection();
            services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            services.AddPeerNet(o =>
            {
                o.Bootstrap = false;
                o.Interval = 0;
                o.Purge = 0;
                // Benches drive far more announces per peer than the per-peer request budgets allow a stranger.
                o.OriginRequestRate = o.OriginRequestBurst = 100_000_000;
                o.RelayedRequestRate = o.RelayedRequestBurst = 100_000_000;
                configure(o);
            }, connectionString: $"Data Source={Path.Combine(folder, $"node{i}.db")}");
            providers[i] = services.BuildServiceProvider();
            nodes[i] = providers[i].GetRequiredService<PeerNode>();
        }
        // Start in parallel: each node opens its SQLite store (migration included) before it runs.
        await Parallel.ForEachAsync(providers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (provider, ct) =>
        {
            foreach (var service in provider.GetServices<IHostedService>())
                await service.StartAsync(ct);
        });

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = builder.Build();
        server.UseWebSockets();
        server.Map("/peer/{index:int}", (HttpContext context, int index) => index >= 0 && index < nodes.Length
            ? PeerNet.Host.PeerEndpoints.AcceptAsync(context, nodes[index], providers[index].GetRequiredService<IOptions<PeerNetOptions>>().Value)
            : Task.FromResult(Results.BadRequest()));
        await server.StartAsync();
        var port = server.ListeningAddress().Port;
        return new LeanCluster(server, providers, nodes, folder, port);
    }

    /// <summary>Stops every node, then the server, and deletes the databases.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Parallel.ForEachAsync(_providers, async (provider, _) =>
        {
            foreach (var service in provider.GetServices<IHostedService>().Reverse())
                await service.StopAsync(timeout.Token);
            await provider.DisposeAsync();
        });
        await _server.StopAsync(timeout.Token);
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left-over temporary files are harmless.
        }
    }
}
