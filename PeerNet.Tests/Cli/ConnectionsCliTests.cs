using PeerNet.Cli;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cli;

/// <summary><c>peernet connect</c>, <c>connections</c> and <c>disconnect</c> on two real hosts.</summary>
public sealed class ConnectionsCliTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task ConnectTwoHosts_ListTheConnection_ConnectAgainIsRefused_Disconnect()
    {
        var hosts = await _cluster.StartAsync(2, _ => TestNodeOptions.With(("PeerNet:Interval", "0")));
        var url = hosts[0].BaseAddress.ToString();

        var connect = await CliRun.RunAsync(["connect", hosts[1].PeerAddress, "--url", url]);
        Assert.Equal((ExitCodes.Ok, $"connected {hosts[1].PeerAddress} {hosts[1].Node.Id}"), (connect.ExitCode, connect.Out.Trim()));

        var list = await CliRun.RunAsync(["connections", "--url", url]);
        Assert.StartsWith($"outbound {hosts[1].PeerAddress} {hosts[1].Node.Id} ws since ", list.Out.Trim());
        var json = await CliRun.RunAsync(["connections", "--json", "--url", url]);
        Assert.Contains($"\"peerId\":\"{hosts[1].Node.Id}\"", json.Out);

        var again = await CliRun.RunAsync(["connect", hosts[1].PeerAddress, "--url", url]);
        Assert.Equal(ExitCodes.ApiError, again.ExitCode);
        Assert.Contains("409 Already connected", again.Error);

        var disconnect = await CliRun.RunAsync(["disconnect", hosts[1].PeerAddress, "--url", url]);
        Assert.Equal(ExitCodes.Ok, disconnect.ExitCode);
        Assert.Equal("", (await CliRun.RunAsync(["connections", "--url", url])).Out);
        Assert.Equal(ExitCodes.ApiError, (await CliRun.RunAsync(["disconnect", hosts[1].Node.Id, "--url", url])).ExitCode); // by peer id: gone
    }
}
