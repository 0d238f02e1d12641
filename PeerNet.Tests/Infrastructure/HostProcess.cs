using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// <c>dotnet PeerNet.Host.dll</c> as its own process over one database file, on a 127.0.0.1 port the OS chose (read
/// from Kestrel's "Now listening on" line), ready once <c>/readyz</c> answers 200. For what only a separate process
/// can show, such as SIGKILL. Disposing kills whatever still runs.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // The last lines of output, for a failure's message: bounded, since a busy host logs every request.
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the host wrote, stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
                return string.Join(Environment.NewLine, _lines);
        }
    }

    /// <summary>Starts a host over <paramref name="databaseFile"/>, configured by <paramref name="environment"/>, and waits until it is ready.</summary>
    public static async Task<HostProcess> StartAsync(string databaseFile, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "PeerNet.Host.dll"), $"--ConnectionStrings:PeerNet=Data Source={databaseFile}" },
            WorkingDirectory = Path.GetDirectoryName(databaseFile)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" },
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var host = new HostProcess(Process.Start(start)!);
        try
        {
            host._process.OutputDataReceived += (_, e) => host.Keep(e.Data);
            host._process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
            host._process.BeginOutputReadLine();
            host._process.BeginErrorReadLine();
            var exited = host._process.WaitForExitAsync(cancellationToken);
            var first = await Task.WhenAny(host._listening.Task, exited).WaitAsync(StartTimeout, cancellationToken);
            if (first != host._listening.Task)
                throw new InvalidOperationException($"The host exited before listening:{Environment.NewLine}{host.Output}");
            host.BaseAddress = await host._listening.Task;

            using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            await Wait.UntilAsync(async () => !host.HasExited && await IsReadyAsync(client, cancellationToken), StartTimeout, "the host's /readyz answers 200");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL to the host and everything it started (no shutdown hooks run), and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(StartTimeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(StartTimeout);
        }
        catch (InvalidOperationException) { } // it never started
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync("/readyz", cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // this probe's own timeout: the host is still starting
        }
    }

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
        if (ListeningOn().Match(line) is { Success: true } m)
            _listening.TrySetResult(new Uri(m.Groups[1].Value));
    }

    [GeneratedRegex("Now listening on: [^h]*(http://127\\.0\\.0\\.1:\\d+)")]
    private static partial Regex ListeningOn();
}
