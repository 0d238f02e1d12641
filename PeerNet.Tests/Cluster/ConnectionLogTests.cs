using Microsoft.Extensions.DependencyInjection;
using PeerNet.Tests.Infrastructure;
using Serilog.Core;
using Serilog.Events;

namespace PeerNet.Tests.Cluster;

/// <summary>Threat L6: a peer churning inbound connections must not grow a node's logs at its default level.</summary>
public sealed class ConnectionLogTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private static bool Logged(LogSink sink, string text, LogEventLevel level) =>
        sink.Events.Any(e => e.Level == level && e.MessageTemplate.Text.StartsWith(text, StringComparison.Ordinal));

    [Fact]
    public async Task OutboundPeers_ComeAndGoAtInformation_InboundOnesAtDebug()
    {
        var dialler = new LogSink();
        var listener = new LogSink();
        var settings = TestNodeOptions.With(("Serilog:MinimumLevel:Default", "Debug"), ("PeerNet:Bootstrap", "false"));
        var a = await _cluster.StartAsync(settings with { Services = s => s.AddSingleton<ILogEventSink>(dialler) });
        var b = await _cluster.StartAsync(settings with { Services = s => s.AddSingleton<ILogEventSink>(listener) });

        await a.Node.ConnectAsync(b.PeerAddress, TestContext.Current.CancellationToken);
        await _cluster.UntilAsync(() => Logged(listener, "Peer connected", LogEventLevel.Debug), "b logged its inbound peer");
        await a.Node.DisconnectAsync(b.PeerAddress);
        await _cluster.UntilAsync(() => Logged(listener, "Peer disconnected", LogEventLevel.Debug), "b logged its inbound peer leaving");

        Assert.True(Logged(dialler, "Peer connected", LogEventLevel.Information));
        Assert.True(Logged(dialler, "Peer disconnected", LogEventLevel.Information));
        Assert.False(Logged(listener, "Peer connected", LogEventLevel.Information));
        Assert.False(Logged(listener, "Peer disconnected", LogEventLevel.Information));
    }
}
