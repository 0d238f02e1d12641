using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace PeerNet.Bench.Testnet;

/// <summary>
/// One <c>dotnet PeerNet.Host.dll</c> process of the testnet: its own temporary folder and SQLite database, HTTP on
/// 127.0.0.1, configured by environment variables only (the folder is its content root, so no appsettings.json
/// leaks in). It advertises its own ws address: a node learns loopback addresses by gossip only when it advertises
/// one (AddressScope), and Advertise is read at start, so the port is one the OS just handed out (bound to port 0
/// and released) rather than read back after Kestrel bound port 0; a port taken in between is retried.
/// </summary>
internal sealed class TestnetNode : IAsyncDisposable
{
    private const int KeptLines = 100;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180); // a host starts in ~2 s, but the machine may be shared and loaded

    private readonly Process _process;
    private readonly string _folder;
    private readonly Queue<string> _lines = new();

    private TestnetNode(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The address other nodes dial: the one it advertises.</summary>
    public string PeerAddress => $"ws://127.0.0.1:{Port}/peer";

    /// <summary>A client of its REST API.</summary>
    public HttpClient Http { get; }

    /// <summary>Its node id (from <c>GET /api/node</c>), known once started.</summary>
    public string Id { get; private set; } = "";

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines it wrote, for a failure's message.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
                return string.Join(Environment.NewLine, _lines);
        }
    }

    /// <summary>Starts a host with <paramref name="settings"/> (configuration keys, ':' separated) and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<TestnetNode> StartAsync(string hostDll, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var folder = Path.Combine(Path.GetTempPath(), "peernet-testnet-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            var port = OsChosenPort();
            var start = new ProcessStartInfo(DotnetMuxer.Path)
            {
                ArgumentList = { hostDll },
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["DOTNET_ENVIRONMENT"] = "Testnet";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testnet";
            start.Environment["ConnectionStrings__PeerNet"] = $"Data Source={Path.Combine(folder, "peernet.db")}";
            start.Environment["PeerNet__Advertise__0"] = $"ws://127.0.0.1:{port}/peer";
            foreach (var (key, value) in settings)
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

            var node = new TestnetNode(Process.Start(start)!, folder, port);
            try
            {
                await node.WaitReadyAsync(cancellationToken);
                using var info = await JsonDocument.ParseAsync(await node.Http.GetStreamAsync("/api/node", cancellationToken), cancellationToken: cancellationToken);
                node.Id = info.RootElement.GetProperty("id").GetString()!;
                return node;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 3 && node.HasExited)
            {
                Console.Error.WriteLine($"testnet: a host on port {port} exited at start (port taken?), retrying: {Last(node.Output)}");
                await node.DisposeAsync();
            }
            catch
            {
                await node.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>SIGKILL (no shutdown hook runs); returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        // The host starts no processes of its own: no walk of the process tree (slow on a loaded machine) before the signal.
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(StartTimeout);
    }

    /// <summary>Kills the process if it still runs and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Never started, or would not die: nothing more to do here.
        }
        _process.Dispose();
        Http.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the host on port {Port} exited before it was ready:{Environment.NewLine}{Output}");
            if (clock.Elapsed > StartTimeout)
                throw new TimeoutException($"the host on port {Port} was not ready within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{Output}");
            try
            {
                using var response = await Http.GetAsync("/readyz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>A port the OS hands out for 127.0.0.1 right now (bound, never listening, then released).</summary>
    private static int OsChosenPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string Last(string output) => output.Length <= 500 ? output : output[^500..];

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
                _lines.Dequeue();
        }
    }
}
