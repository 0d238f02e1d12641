using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>The host as an operator runs it: its own process, stopped with SIGTERM.</summary>
public sealed partial class ProcessHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sigterm_StopsCleanly_WithEverythingCommitted_ConfiguredByEnvironment()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return; // SIGTERM is a POSIX signal; CI runs on Linux
        var db = _dir.File("process.db");
        var hostDll = Path.Combine(AppContext.BaseDirectory, "PeerNet.Host.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { hostDll, $"--ConnectionStrings:PeerNet=Data Source={db}" },
            WorkingDirectory = _dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Configured the way a container is: environment variables.
            Environment =
            {
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["Logging__Json"] = "true",
                ["PeerNet__Seeds__0"] = "ws://127.0.0.9:9/peer", // bootstrap dials it: loopback, where nothing listens
                ["PeerNet__Connections"] = "8",
            },
        };
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            if (ListeningOn().Match(e.Data) is { Success: true } m)
                listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            using var client = new HttpClient { BaseAddress = baseAddress };
            var saved = await client.PostAsJsonAsync("/api/nodes", new { addresses = new[] { "ws://127.0.0.10:9/peer", "ws://127.0.0.11:9/peer" } }, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

            using (Process.Start("kill", ["-TERM", process.Id.ToString()])) { }
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }

        List<string> output;
        lock (lines) output = [.. lines];
        // Every stdout line is one compact-JSON event.
        Assert.All(output.Where(l => l.Length > 0), l => Assert.True(JsonDocument.Parse(l).RootElement.TryGetProperty("@t", out _), l));
        Assert.Contains(output, l => l.Contains("Peer store flushed and closed", StringComparison.Ordinal));

        await using var again = await TestNode.StartAsync(db);
        Assert.Equal(3, again.Node.KnownCount); // two saved over REST, one seed from the environment
    }

    [GeneratedRegex("Now listening on: [^h]*(http://127\\.0\\.0\\.1:\\d+)")]
    private static partial Regex ListeningOn();
}
