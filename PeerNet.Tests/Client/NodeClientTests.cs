using PeerNet.Client;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Client;

/// <summary>The node, census and health groups of the client against a real host.</summary>
public sealed class NodeClientTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Node_IsTheHostsIdAndVersion()
    {
        var host = await _cluster.StartAsync(new TestNodeOptions { Advertise = true });
        using var client = new PeerNetClient(host.BaseAddress);

        var node = await client.Node.GetAsync(Ct);

        Assert.Equal(host.Node.Id, node.Id);
        Assert.Equal(PeerNode.Version, node.Version);
        Assert.Equal([host.PeerAddress], node.Addresses);
        Assert.Equal(0, node.Connections);
    }

    [Fact]
    public async Task Census_FindsTheNode_AndABadTimeout_IsA400NamingTheField()
    {
        var host = await _cluster.StartAsync();
        using var client = new PeerNetClient(host.BaseAddress);

        var census = await client.Node.CensusAsync(TimeSpan.FromMilliseconds(200), Ct);
        Assert.Equal(host.Node.Id, census.Nodes[0].Id);

        var error = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Node.CensusAsync(TimeSpan.FromMilliseconds(50), Ct));
        Assert.Equal(ProblemKind.BadRequest, error.Kind);
        Assert.Contains("timeoutMs", error.Errors.Keys);
        Assert.Contains("100", error.Detail);
    }

    [Fact]
    public async Task Health_IsLiveAndReady()
    {
        var host = await _cluster.StartAsync();
        using var client = new PeerNetClient(host.BaseAddress);

        Assert.True((await client.Health.GetLivenessAsync(Ct)).IsHealthy);
        Assert.True((await client.Health.GetReadinessAsync(Ct)).IsHealthy);
    }

    [Fact]
    public async Task Dashboard_GivesASnapshotAndStreamsThem_AndIsA404WhenOff()
    {
        var on = await _cluster.StartAsync();
        var off = await _cluster.StartAsync(TestNodeOptions.With(("PeerNet:Dashboard", "false")));
        using var client = new PeerNetClient(on.BaseAddress);

        Assert.Equal(on.Node.Id, (await client.Dashboard.GetAsync(Ct)).Node.Id);
        await foreach (var snapshot in client.Dashboard.StreamAsync(Ct))
        {
            Assert.Equal(on.Node.Id, snapshot.Node.Id);
            Assert.NotNull(snapshot.History); // the first event carries the history
            break;
        }

        using var offClient = new PeerNetClient(off.BaseAddress);
        var error = await Assert.ThrowsAsync<PeerNetApiException>(() => offClient.Dashboard.GetAsync(Ct));
        Assert.Equal(ProblemKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task AnUnreachableNode_IsAnHttpRequestException()
    {
        using var port = LoopbackPort.Refusing(); // bound, not listening: every connection is refused
        using var client = new PeerNetClient(new Uri($"http://127.0.0.1:{port.Port}"));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.Node.GetAsync(Ct));
        Assert.Null(error.StatusCode);
    }
}
