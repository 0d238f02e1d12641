using System.Diagnostics;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>
/// <c>dotnet PeerNet.Host.dll --healthcheck</c> as the container's HEALTHCHECK runs it, as its own process, against a
/// real host on a 127.0.0.1 port the OS chose: it finds that port through each setting Kestrel listens by.
/// </summary>
public sealed class ProbeProcessTests : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    // Settings of the test process's own that would point the probe elsewhere: each case sets only its own.
    private static readonly string[] ListenSettings = ["URLS", "HTTP_PORTS", "HTTPS_PORTS"];

    private readonly TempDirectory _dir = new();
    private readonly string _probeDirectory;

    public ProbeProcessTests() => _probeDirectory = Directory.CreateDirectory(_dir.File("probe")).FullName;

    public void Dispose() => _dir.Dispose();

    public enum Source { AspNetCoreUrlsVariable, UrlsArgument, UrlsKeyInAppSettings, AspNetCoreHttpPortsVariable, HttpPortsArgument, KestrelEndpointVariable }

    [Theory]
    [InlineData(Source.AspNetCoreUrlsVariable)]
    [InlineData(Source.UrlsArgument)]
    [InlineData(Source.UrlsKeyInAppSettings)]
    [InlineData(Source.AspNetCoreHttpPortsVariable)]
    [InlineData(Source.HttpPortsArgument)]
    [InlineData(Source.KestrelEndpointVariable)]
    public async Task FindsTheNode_ThroughEachSetting(Source source)
    {
        await using var node = await TestNode.StartAsync(_dir.File("probed.db"));
        var port = node.BaseAddress.Port;
        var environment = new Dictionary<string, string>();
        var args = new List<string>();
        switch (source)
        {
            case Source.AspNetCoreUrlsVariable: environment["ASPNETCORE_URLS"] = $"http://+:{port}"; break;
            case Source.UrlsArgument: args.AddRange(["--urls", $"http://*:{port}"]); break;
            case Source.UrlsKeyInAppSettings: File.WriteAllText(Path.Combine(_probeDirectory, "appsettings.json"), $$"""{ "urls": "http://0.0.0.0:{{port}}" }"""); break;
            case Source.AspNetCoreHttpPortsVariable: environment["ASPNETCORE_HTTP_PORTS"] = $"{port}"; break;
            case Source.HttpPortsArgument: args.Add($"--HTTP_PORTS={port}"); break;
            case Source.KestrelEndpointVariable: environment["Kestrel__Endpoints__Web__Url"] = $"http://[::]:{port}"; break;
        }

        var (exitCode, output) = await ProbeAsync(environment, args);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"127.0.0.1:{port}/readyz: 200", output);
    }

    [Fact]
    public async Task NobodyListening_Fails()
    {
        // Bound but not listening, and held for the whole test: connecting is refused, and no one else takes the port.
        using var held = LoopbackPort.Refusing();
        var port = held.Port;

        var (exitCode, output) = await ProbeAsync(new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = $"{port}" }, []);

        Assert.True(exitCode == 1, output);
        Assert.Contains($"127.0.0.1:{port}/readyz", output);
    }

    private async Task<(int ExitCode, string Output)> ProbeAsync(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "PeerNet.Host.dll"), "--healthcheck" },
            WorkingDirectory = _probeDirectory, // the probe's content root: its appsettings.json, if the case wrote one
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(IsListenSetting).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(ProbeTimeout, TestContext.Current.CancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }

    // URLS, ASPNETCORE_URLS, DOTNET_HTTP_PORTS, Kestrel__Endpoints__...: anything ASP.NET Core would listen by.
    private static bool IsListenSetting(string key) =>
        ListenSettings.Any(name => key.Equals(name, StringComparison.OrdinalIgnoreCase)
            || key.EndsWith("_" + name, StringComparison.OrdinalIgnoreCase))
        || key.StartsWith("Kestrel__", StringComparison.OrdinalIgnoreCase);
}
