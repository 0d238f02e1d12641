using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Host.Hosting;
using PeerNet.Tests.Infrastructure;
using Serilog.Core;
using Serilog.Events;

namespace PeerNet.Tests.Host;

/// <summary>Peer upgrades and probes log their request line at Debug (threat L6: log volume); the REST API at Information.</summary>
public sealed class RequestLogLevelTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("/peer", 101, LogEventLevel.Debug)]
    [InlineData("/healthz", 200, LogEventLevel.Debug)]
    [InlineData("/readyz", 503, LogEventLevel.Debug)]
    [InlineData("/metrics", 200, LogEventLevel.Debug)]
    [InlineData("/api/node", 200, LogEventLevel.Information)]
    [InlineData("/api/nodes", 429, LogEventLevel.Information)]
    [InlineData("/healthz/extra", 404, LogEventLevel.Information)]
    [InlineData("/healthz", 500, LogEventLevel.Debug)]
    [InlineData("/api/nodes", 500, LogEventLevel.Error)]
    public void Of_PathAndStatus(string path, int status, LogEventLevel expected) =>
        Assert.Equal(expected, RequestLogLevel.Of(new PathString(path), status, exception: null));

    [Fact]
    public async Task AHostAtInformation_LogsTheApiCall_ButNotTheProbes()
    {
        var sink = new LogSink();
        await using var node = await TestNode.StartAsync(_dir.File("log.db"),
            new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" },
            services: s => s.AddSingleton<ILogEventSink>(sink));
        foreach (var path in new[] { "/healthz", "/readyz", "/metrics", "/peer", "/api/node" })
            await node.Client.GetAsync(path, TestContext.Current.CancellationToken);

        bool Logged(string path) => sink.Events.Any(e => e.Properties.TryGetValue("RequestPath", out var p) && p.ToString() == $"\"{path}\"");
        await Wait.UntilAsync(() => Logged("/api/node"), TimeSpan.FromSeconds(15), "the API call was logged");
        Assert.False(Logged("/healthz"));
        Assert.False(Logged("/readyz"));
        Assert.False(Logged("/metrics"));
        Assert.False(Logged("/peer"));
    }
}
