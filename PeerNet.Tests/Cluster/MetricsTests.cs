using System.Net.Http.Json;
using System.Net.WebSockets;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary>The PeerNet meter on a running three-host network: peers, announces and drops move as the network works.</summary>
public sealed class MetricsTests
{
    private static readonly TimeSpan Patience = TestCluster.Patience;

    [Fact]
    public async Task ALineOfThreeHosts_ShowsPeersAnnouncesAndDropsOnTheMeter()
    {
        await using var cluster = new TestCluster();
        var (a, b, c) = (await cluster.StartAsync(), await cluster.StartAsync(), await cluster.StartAsync());
        using var peersAtB = b.Services.Collect("peernet.peers.connected");
        using var handshakesAtB = b.Services.Collect("peernet.handshakes");
        using var originated = a.Services.Collect("peernet.announces.originated");
        using var receivedAtB = b.Services.Collect("peernet.announces.received");
        using var receivedAtC = c.Services.Collect("peernet.announces.received");
        using var copiesAtB = b.Services.Collect("peernet.announces.copies.sent");
        using var framesAtC = c.Services.Collect("peernet.frames.received");
        using var violationsAtB = b.Services.Collect("peernet.protocol.violations");

        // a - b - c, over REST.
        Assert.True((await a.Client.PostAsJsonAsync("/api/connections", new { address = b.PeerAddress }, TestContext.Current.CancellationToken)).IsSuccessStatusCode);
        Assert.True((await c.Client.PostAsJsonAsync("/api/connections", new { address = b.PeerAddress }, TestContext.Current.CancellationToken)).IsSuccessStatusCode);
        await Wait.UntilAsync(() => peersAtB.Observe() == 2, Patience, "b's meter shows its two peers");
        Assert.Equal(2, peersAtB.Observe("direction", "inbound"));
        await Wait.UntilAsync(() => handshakesAtB.Sum("result", "ok") == 2, Patience, "b counted two handshakes");

        var copiesBefore = copiesAtB.Observe();
        using (var response = await a.Client.PostAsJsonAsync("/api/announce?timeoutMs=100", new { type = "metrics", data = "hello" }, TestContext.Current.CancellationToken))
            Assert.True(response.IsSuccessStatusCode);
        await Wait.UntilAsync(() => receivedAtC.Sum() == 1, Patience, "the announce reached c, and c's meter counted it");
        Assert.Equal(1, originated.Sum());
        Assert.Equal(1, receivedAtB.Sum());
        Assert.True(copiesAtB.Observe() > copiesBefore); // b forwarded it
        Assert.True(framesAtC.Observe() > 0);

        // A hostile frame: the violation is counted where it happened.
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(b.PeerAddress), TestContext.Current.CancellationToken);
        await socket.SendAsync(Convert.FromHexString("0affffffffffffffffffff"), WebSocketMessageType.Binary, true, TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => violationsAtB.Sum() == 1, Patience, "b counted the violation");
        Assert.Equal(2, peersAtB.Observe()); // the honest peers stay
    }
}
