using PeerNet.Peers;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Peers;

/// <summary>PeerNode.ConnectionTraffic: each handshaken peer with its connection's counters, as the dashboard shows them.</summary>
public sealed class ConnectionTrafficTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    [Fact]
    public async Task EachPeer_CarriesItsFramesAndBytes_BothWays_AndLeavesWithItsConnection()
    {
        var a = await _net.AddAsync("tcp://a:1");
        var b = await _net.AddAsync("tcp://b:1");
        Assert.Empty(a.Node.ConnectionTraffic());

        await a.ConnectAsync(b, TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => b.Network.Count == 1, Patience, "b sees a");

        // The handshake alone is a _hello and its answer each way.
        var atA = Assert.Single(a.Node.ConnectionTraffic());
        Assert.Equal(b.Node.Id, atA.Peer.PeerId);
        Assert.Equal(PeerDirection.Outbound, atA.Peer.Direction);
        Assert.Equal(a.Node.Connections().Single(), atA.Peer);
        Assert.True(atA.FramesSent >= 2 && atA.FramesReceived >= 2, $"{atA}");
        Assert.True(atA.BytesSent > atA.FramesSent && atA.BytesReceived > atA.FramesReceived, $"{atA}");
        Assert.Equal((0, 0), (atA.MessagesDiscarded, atA.SendsDropped));

        var atB = Assert.Single(b.Node.ConnectionTraffic());
        Assert.Equal(a.Node.Id, atB.Peer.PeerId);
        await Wait.UntilAsync(() =>
        {
            var (sent, received) = (a.Node.ConnectionTraffic().Single(), b.Node.ConnectionTraffic().Single());
            return sent.BytesSent == received.BytesReceived && sent.BytesReceived == received.BytesSent;
        }, Patience, "both ends count the same bytes once the handshake settled");

        await a.Node.DisconnectPeerAsync(b.Node.Id);
        await Wait.UntilAsync(() => a.Node.ConnectionTraffic().Count == 0 && b.Node.ConnectionTraffic().Count == 0, Patience, "the peer is gone from both");
    }
}
