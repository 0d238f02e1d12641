using System.Net.WebSockets;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Transport;

/// <summary>WebSocket liveness (<c>WebSocketConnection</c>'s ping/pong) on a real host: pings answered keep a peer, unanswered pings drop it.</summary>
public sealed class WebSocketLivenessTests
{
    private static readonly TimeSpan Patience = TestCluster.Patience;

    [Fact]
    public async Task APeerThatLeavesPingsUnanswered_IsDropped_WhileAnIdleLiveOneStays()
    {
        await using var cluster = new TestCluster();
        var host = await cluster.StartAsync(TestNodeOptions.With(
            ("PeerNet:KeepAliveInterval", "200"),
            ("PeerNet:KeepAliveMisses", "3"),
            ("PeerNet:HandshakeTimeout", "60000")));
        var friend = await cluster.StartAsync();
        await friend.Node.ConnectAsync(host.PeerAddress, TestContext.Current.CancellationToken);

        // A dead peer: connected, but nothing reads its socket, so the host's pings go unanswered.
        using var dead = new ClientWebSocket();
        dead.Options.KeepAliveInterval = TimeSpan.Zero;
        await dead.ConnectAsync(new Uri(host.PeerAddress), CancellationToken.None);
        await Wait.UntilAsync(() => host.Node.Network.OpenConnections == 2, Patience, "the dead peer is connected");

        await Wait.UntilAsync(() => host.Node.Network.OpenConnections == 1, Patience, "the dead peer is dropped");
        // The friend sends no traffic at all (no node exchange yet), yet answers pings: it stays, at both ends.
        Assert.Equal(1, host.Node.ConnectionCount);
        Assert.Equal(1, friend.Node.ConnectionCount);
    }
}
