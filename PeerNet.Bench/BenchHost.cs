using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Host.Hosting;

namespace PeerNet.Bench;

/// <summary>
/// A full PeerNet host (<see cref="PeerNetHost.Build"/>: Kestrel, REST, /peer) on a free 127.0.0.1 port with its own
/// SQLite file in a temporary folder, quiet logs and no gossip engine traffic of its own.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private BenchHost(WebApplication app, string folder, int port)
    {
        _app = app;
        _folder = folder;
        Port = port;
    }

    /// <summary>The node.</summary>
    public PeerNode Node => _app.Services.GetRequiredService<PeerNode>();

    /// <summary>The port Kestrel listens on.</summary>
    public int Port { get; }

    /// <summary>The address of this host's /peer endpoint.</summary>
    public string PeerAddress => $"ws://127.0.0.1:{Port}/peer";

    /// <summary>Starts a host; <paramref name="settings"/> override the bench defaults.</summary>
    public static async Task<BenchHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "peernet-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        // The content root is the empty temporary folder: the operator's appsettings.json must not leak in.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Bench", ContentRootPath = folder });
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:PeerNet"] = $"Data Source={Path.Combine(folder, "peernet.db")}",
            ["Serilog:MinimumLevel:Default"] = "Error", // a loaded machine makes Kestrel warn about its heartbeat
            // Lifetime messages go to stdout, where the last line must be the JSON figures.
            ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
            ["PeerNet:Bootstrap"] = "false",
            ["PeerNet:Interval"] = "0",
            ["PeerNet:Purge"] = "0",
            // Benches drive far more announces per peer than the per-peer request budgets allow a stranger.
            ["PeerNet:OriginRequestRate"] = "100000000",
            ["PeerNet:OriginRequestBurst"] = "100000000",
            ["PeerNet:RelayedRequestRate"] = "100000000",
            ["PeerNet:RelayedRequestBurst"] = "100000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        builder.Configuration.AddInMemoryCollection(values);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = PeerNetHost.Build(builder);
        await app.StartAsync();
        var address = app.ListeningAddress();
        return new BenchHost(app, folder, address.Port);
    }

    /// <summary>Stops the host and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        // Closing 10,000 sessions (conns) takes longer than 10 s on two cores; a stop cut short throws from the host.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless; the figures are already printed.
        }
    }
}
