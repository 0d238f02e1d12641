using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Host;
using PeerNet.Host.Hosting;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// A real PeerNet host on 127.0.0.1 with its own database file. Its HTTP port (and, when asked for, its raw tcp
/// peer port) is a socket the OS bound before the host starts (<see cref="LoopbackPort"/>): known up front, so the
/// host can advertise its own address, and held until the host is disposed. Several hosts: <see cref="TestCluster"/>.
/// Tests of where Kestrel itself listens give a URL instead (ASP.NET Core's urls setting), which the host binds.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LoopbackPort? _http;
    private readonly LoopbackPort? _tcp;
    private int _stopped;
    private int _disposed;

    private TestNode(WebApplication app, Uri baseAddress, LoopbackPort? http, LoopbackPort? tcp)
    {
        _app = app;
        _http = http;
        _tcp = tcp;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public PeerNode Node => _app.Services.GetRequiredService<PeerNode>();

    public IServiceProvider Services => _app.Services;

    /// <summary>The address this host's /peer endpoint answers on.</summary>
    public string PeerAddress => PeerAddressOf(BaseAddress.Port);

    /// <summary>The raw tcp listener's port; only for a host started with <c>tcp: true</c>.</summary>
    public int TcpPort => _tcp?.Port ?? throw new InvalidOperationException("This host was started without a tcp listener.");

    /// <summary>The address of the raw tcp listener; only for a host started with <c>tcp: true</c>.</summary>
    public string TcpAddress => $"tcp://127.0.0.1:{TcpPort}";

    /// <summary>False once <see cref="StopAsync"/> or <see cref="DisposeAsync"/> began.</summary>
    public bool IsRunning => Volatile.Read(ref _stopped) == 0;

    private static string PeerAddressOf(int port) => $"ws://127.0.0.1:{port}/peer";

    /// <summary>
    /// Starts a host over <paramref name="databaseFile"/>. <paramref name="tcp"/> adds a raw tcp peer listener (the
    /// host's own <c>TcpPeerHandler</c>) on a second OS-chosen port; <paramref name="advertise"/> sets PeerNet:Advertise
    /// to the host's own ws address.
    /// </summary>
    /// <param name="url">
    /// Where HTTP listens, as ASP.NET Core's urls setting, for tests of Kestrel's own binding (with PeerNet:TcpPort in
    /// <paramref name="settings"/> if they need tcp); then neither <paramref name="tcp"/> nor <paramref name="advertise"/>
    /// applies, since Kestrel ignores the urls once a listener is added in code. By default: an OS-chosen 127.0.0.1 socket.
    /// </param>
    /// <param name="services">Registrations made before the host's own (a fake <c>ISeedResolver</c>, say): PeerNet's defaults give way to them.</param>
    /// <param name="httpPort">The port a stopped host of the test had, for a restart at the address its peers stored; by default one the OS chose.</param>
    public static async Task<TestNode> StartAsync(string databaseFile, IReadOnlyDictionary<string, string?>? settings = null, bool tcp = false, bool advertise = false, string? url = null,
        Action<IServiceCollection>? services = null, int? httpPort = null)
    {
        if (url is not null && (tcp || advertise || httpPort is not null))
            throw new ArgumentException("A host on a URL of its own binds that URL only: no tcp listener or advertised address is added beside it.", nameof(url));
        var http = url is null ? httpPort is { } port ? LoopbackPort.Listening(port) : LoopbackPort.Listening() : null;
        var tcpPort = tcp ? LoopbackPort.Listening() : null;
        try
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
            if (advertise)
                values["PeerNet:Advertise:0"] = PeerAddressOf(http!.Port);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                values[key] = value;
            builder.Configuration.AddInMemoryCollection(values);
            if (http is null)
            {
                builder.WebHost.UseUrls(url!);
            }
            else
            {
                // PeerNet:TcpPort cannot ask the OS for a port (0 turns the listener off), so the test host adds the tcp
                // listener itself, with the handler PeerNet:TcpPort would use.
                builder.WebHost.ConfigureKestrel(kestrel =>
                {
                    kestrel.ListenHandle(http.Handle);
                    if (tcpPort is not null)
                        kestrel.ListenHandle(tcpPort.Handle, listen => listen.UseConnectionHandler<TcpPeerHandler>());
                });
            }

            services?.Invoke(builder.Services);
            var app = PeerNetHost.Build(builder);
            try
            {
                await app.StartAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            if (http is null)
                return new TestNode(app, OnLoopback(new Uri(addresses.First())), null, null);
            if (!addresses.Contains($"http://127.0.0.1:{http.Port}"))
            {
                await app.DisposeAsync();
                throw new InvalidOperationException($"The host listens on {string.Join(", ", addresses)}, not on its port {http.Port}.");
            }
            return new TestNode(app, new Uri($"http://127.0.0.1:{http.Port}"), http, tcpPort);
        }
        catch
        {
            http?.Dispose();
            tcpPort?.Dispose();
            throw;
        }
    }

    // A host listening on every IP ([::] or 0.0.0.0) is still asked on loopback: test traffic never leaves the machine.
    private static Uri OnLoopback(Uri address) =>
        address.Host is "[::]" or "0.0.0.0" ? new UriBuilder(address) { Host = "127.0.0.1" }.Uri : address;

    /// <summary>Stops the host as SIGTERM would (its peers see their connections close); it must take under 15 s.</summary>
    public async Task StopAsync()
    {
        Interlocked.Exchange(ref _stopped, 1);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        Client.Dispose();
        try
        {
            await StopAsync();
            await _app.DisposeAsync();
        }
        finally
        {
            // Kestrel serves on the sockets but does not own them: they close here, after the host stopped.
            _http?.Dispose();
            _tcp?.Dispose();
        }
    }
}
