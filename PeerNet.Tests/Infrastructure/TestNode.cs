using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Host.Hosting;

namespace PeerNet.Tests.Infrastructure;

/// <summary>A real PeerNet host listening on a free 127.0.0.1 port (or the URL a test gives), with its own database file.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestNode(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public PeerNode Node => _app.Services.GetRequiredService<PeerNode>();

    public IServiceProvider Services => _app.Services;

    /// <summary>The address this host's /peer endpoint answers on.</summary>
    public string PeerAddress => $"ws://127.0.0.1:{BaseAddress.Port}/peer";

    /// <param name="url">Where HTTP listens (ASP.NET Core's urls setting); by default 127.0.0.1 on <paramref name="port"/>.</param>
    public static async Task<TestNode> StartAsync(string databaseFile, IReadOnlyDictionary<string, string?>? settings = null, int port = 0, string? url = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Test",
            ContentRootPath = Path.GetDirectoryName(databaseFile),
        });
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:PeerNet"] = $"Data Source={databaseFile}",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            // No dialling of saved addresses unless a test asks for the gossip engine: results stay deterministic.
            ["PeerNet:Bootstrap"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        builder.Configuration.AddInMemoryCollection(values);
        builder.WebHost.UseUrls(url ?? $"http://127.0.0.1:{port}");

        var app = PeerNetHost.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestNode(app, OnLoopback(new Uri(address)));
    }

    // A host listening on every IP ([::] or 0.0.0.0) is still asked on loopback: test traffic never leaves the machine.
    private static Uri OnLoopback(Uri address) =>
        address.Host is "[::]" or "0.0.0.0" ? new UriBuilder(address) { Host = "127.0.0.1" }.Uri : address;

    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }
}
