using PeerNet.Peers;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Peers;

/// <summary>Every peer announced by PeerConnected gets exactly one PeerDisconnected: the engine's tables depend on it.</summary>
public sealed class PeerNetworkEventsTests : IAsyncLifetime
{
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    [Fact]
    public async Task APeerReplacedByTheCrossedDialRule_IsReportedDisconnected()
    {
        for (var run = 0; run < 10; run++)
        {
            var a = await _net.AddAsync($"tcp://a{run}:1");
            var b = await _net.AddAsync($"tcp://b{run}:1");
            var up = new List<Peer>();
            var down = new List<Peer>();
            a.Network.PeerConnected += s => { lock (up) up.Add(s); };
            a.Network.PeerDisconnected += (s, _) => { lock (down) down.Add(s); };

            await b.ConnectAsync(a, TestContext.Current.CancellationToken);
            await Wait.UntilAsync(() => a.Network.Count == 1, TimeSpan.FromSeconds(10), "a sees b");
            try { await a.ConnectAsync(b, TestContext.Current.CancellationToken); } // kept or refused, depending on which node id is lower
            catch (PeerConnectException ex) when (ex.Failure == PeerConnectFailure.AlreadyConnected) { }
            await Wait.UntilAsync(() => a.Network.OpenConnections == 1, TimeSpan.FromSeconds(10), "one connection stays");

            // Whatever was announced and is gone now was reported gone.
            await Wait.UntilAsync(() => { lock (up) lock (down) return up.Count - down.Count == 1; }, TimeSpan.FromSeconds(10), "one live peer stays announced");
            await a.Network.StopAsync(TestContext.Current.CancellationToken);
            await Wait.UntilAsync(() => { lock (up) lock (down) return up.Count == down.Count; }, TimeSpan.FromSeconds(10), "every announced peer was reported gone");
            lock (up) lock (down) Assert.Equal(up.ToHashSet(), down.ToHashSet());
        }
    }

    // L11: a subscriber whose PeerDisconnected handler throws must not leave CloseAsync (and so shutdown) waiting.
    [Fact]
    public async Task AThrowingPeerDisconnectedHandler_DoesNotStopTheClose()
    {
        var a = await _net.AddAsync("tcp://a:1");
        var b = await _net.AddAsync("tcp://b:1");
        a.Network.PeerDisconnected += (_, _) => throw new InvalidOperationException("a subscriber's bug");
        var peer = await a.ConnectAsync(b, TestContext.Current.CancellationToken);

        await peer.CloseAsync("test").WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(0, a.Network.OpenConnections); // its socket was closed and forgotten too
        await a.Network.StopAsync(TestContext.Current.CancellationToken);
    }
}
