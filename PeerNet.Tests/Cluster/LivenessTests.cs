using System.Net.WebSockets;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary>WebSocket liveness on a real host: pings answered keep a peer, unanswered pings drop it.</summary>
public sealed class LivenessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task APeerThatLeavesPingsUnanswered_IsDropped_WhileAnIdleLiveOneStays()
    {
        await using var host = await TestNode.StartAsync(_dir.File("live.db"), new Dictionary<string, string?>
        {
            ["PeerNet:KeepAliveInterval"] = "200",
            ["PeerNet:KeepAliveMisses"] = "3",
            ["PeerNet:HandshakeTimeout"] = "60000",
        });
        await using var friend = await TestNode.StartAsync(_dir.File("friend.db"));
        await friend.Node.ConnectAsync($"ws://127.0.0.1:{host.BaseAddress.Port}/peer", TestContext.Current.CancellationToken);

        // A dead peer: connected, but nothing reads its socket, so the host's pings go unanswered.
        using var dead = new ClientWebSocket();
        dead.Options.KeepAliveInterval = TimeSpan.Zero;
        await dead.ConnectAsync(new Uri($"ws://127.0.0.1:{host.BaseAddress.Port}/peer"), CancellationToken.None);
        await Wait.UntilAsync(() => host.Node.Network.OpenConnections == 2, Patience, "the dead peer is connected");

        await Wait.UntilAsync(() => host.Node.Network.OpenConnections == 1, Patience, "the dead peer is dropped");
        // The friend sends no traffic at all (no node exchange yet), yet answers pings: it stays, at both ends.
        Assert.Equal(1, host.Node.ConnectionCount);
        Assert.Equal(1, friend.Node.ConnectionCount);
    }
}
