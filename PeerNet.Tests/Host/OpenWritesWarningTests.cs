using Microsoft.Extensions.DependencyInjection;
using PeerNet.Host.Security;
using PeerNet.Tests.Infrastructure;
using Serilog.Core;
using Serilog.Events;

namespace PeerNet.Tests.Host;

/// <summary>A node without an API key that listens beyond loopback says at start that only the loopback rule guards its writes.</summary>
public sealed class OpenWritesWarningTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("http://127.0.0.2:5000", false)]
    [InlineData("http://localhost:5000", false)]
    [InlineData("http://[::1]:5000", false)]
    [InlineData("http://unix:/run/peernet.sock", false)]
    [InlineData("http://0.0.0.0:5000", true)]
    [InlineData("http://[::]:5000", true)]
    [InlineData("http://*:5000", true)]
    [InlineData("http://+:5000", true)]
    [InlineData("http://10.1.2.3:5000", true)]
    [InlineData("http://peernet.example:5000", true)]
    public void BeyondLoopback_TellsWhoCanReachAListener(string url, bool expected) =>
        Assert.Equal(expected, OpenWritesWarning.BeyondLoopback(url));

    private async Task<IReadOnlyList<string>> WarningsAtStartAsync(string url, string? apiKey)
    {
        var sink = new LogSink();
        // Listening on every IP opens no connection anywhere; the test asks nothing of the host.
        await using var node = await TestNode.StartAsync(_dir.File($"w{Guid.NewGuid():N}.db"),
            new Dictionary<string, string?> { ["PeerNet:ApiKey"] = apiKey }, url: url,
            services: s => s.AddSingleton<ILogEventSink>(sink));
        return sink.Messages(LogEventLevel.Warning);
    }

    [Fact]
    public async Task KeylessOnEveryIp_WarnsThatAProxyOrSidecarMakesEveryClientLoopback()
    {
        var warning = Assert.Single(await WarningsAtStartAsync("http://0.0.0.0:0", apiKey: null), m => m.Contains("PeerNet:ApiKey"));
        Assert.Contains("reverse proxy", warning);
        Assert.Contains("sidecar", warning);
        Assert.Contains("0.0.0.0", warning);
    }

    [Fact]
    public async Task KeylessOnLoopback_OrWithAKey_StaysQuiet()
    {
        Assert.DoesNotContain(await WarningsAtStartAsync("http://127.0.0.1:0", apiKey: null), m => m.Contains("PeerNet:ApiKey"));
        Assert.DoesNotContain(await WarningsAtStartAsync("http://0.0.0.0:0", apiKey: "s3cret-key"), m => m.Contains("PeerNet:ApiKey"));
    }
}
