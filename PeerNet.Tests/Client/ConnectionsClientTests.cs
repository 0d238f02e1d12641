using PeerNet.Client;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Client;

/// <summary>The connections group of the client on two real hosts: connect, list, conflict, disconnect, a failing dial.</summary>
public sealed class ConnectionsClientTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Connect_ListsThePeer_ASecondConnectIs409_DisconnectDropsIt_AndAgainIs404()
    {
        var hosts = await _cluster.StartAsync(2, _ => TestNodeOptions.With(("PeerNet:Interval", "0")));
        using var client = new PeerNetClient(hosts[0].BaseAddress);

        var connected = await client.Connections.ConnectAsync(hosts[1].PeerAddress, Ct);
        Assert.Equal(hosts[1].Node.Id, connected.PeerId);
        var connection = Assert.Single(await client.Connections.ListAsync(Ct));
        Assert.Equal(("outbound", hosts[1].PeerAddress, true, true), (connection.Direction, connection.Address, connection.PeerNet, connection.Verified));

        var conflict = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Connections.ConnectAsync(hosts[1].PeerAddress, Ct));
        Assert.Equal(ProblemKind.Conflict, conflict.Kind);

        await client.Connections.DisconnectAsync(hosts[1].PeerAddress, Ct);
        Assert.Empty(await client.Connections.ListAsync(Ct));
        var gone = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Connections.DisconnectAsync(hosts[1].PeerAddress, Ct));
        Assert.Equal(ProblemKind.NotFound, gone.Kind);
    }

    [Fact]
    public async Task DisconnectByPeerId_ClosesAnInboundPeer()
    {
        var hosts = await _cluster.StartAsync(2, _ => TestNodeOptions.With(("PeerNet:Interval", "0")));
        using var dialler = new PeerNetClient(hosts[0].BaseAddress);
        using var dialled = new PeerNetClient(hosts[1].BaseAddress);
        await dialler.Connections.ConnectAsync(hosts[1].PeerAddress, Ct);
        await Wait.UntilAsync(() => hosts[1].Node.ConnectionCount == 1, TestCluster.Patience, "the dialled host counts the connection");

        await dialled.Connections.DisconnectPeerAsync(hosts[0].Node.Id, Ct);

        Assert.Empty(await dialled.Connections.ListAsync(Ct));
    }

    [Fact]
    public async Task ADialNobodyAnswers_IsA502_AndABadAddressA400()
    {
        var host = await _cluster.StartAsync();
        using var refusing = LoopbackPort.Refusing();
        using var client = new PeerNetClient(host.BaseAddress);

        var failed = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Connections.ConnectAsync($"ws://127.0.0.1:{refusing.Port}/peer", Ct));
        Assert.Equal(ProblemKind.BadGateway, failed.Kind);

        var bad = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Connections.ConnectAsync("not an address", Ct));
        Assert.Equal(["address"], bad.Errors.Keys);
    }
}
