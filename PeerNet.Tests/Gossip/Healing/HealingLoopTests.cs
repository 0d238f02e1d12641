using Microsoft.Extensions.Time.Testing;
using PeerNet.Gossip;
using PeerNet.Gossip.Healing;
using PeerNet.Peers;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Healing;

/// <summary>
/// Feelers, rotation and anchors one rule at a time, in virtual time on an in-memory network: what each closes and
/// what it never touches.
/// </summary>
public sealed class HealingLoopTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly MemoryNet _net = new();
    private readonly FakeTimeProvider _time = new();
    private readonly List<GossipEngine> _engines = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in _engines)
            await engine.StopAsync(CancellationToken.None);
        await _net.DisposeAsync();
    }

    private async Task<MemoryNode> NodeWithEngineAsync(string address, Action<PeerNetOptions> configure)
    {
        var node = await _net.AddAsync(address, o => { o.Interval = 0; o.Purge = 0; o.KeepAliveInterval = KeepAliveMs; o.HandshakeTimeout = HandshakeMs; configure(o); }, _time);
        var engine = node.Get<GossipEngine>();
        await engine.StartAsync(CancellationToken.None);
        _engines.Add(engine);
        await Wait.UntilAsync(() => engine.IsRunning, Patience, "the engine is running");
        return node;
    }

    private Task<MemoryNode> PlainAsync(string address) => _net.AddAsync(address, o => { o.Bootstrap = false; o.KeepAliveInterval = KeepAliveMs; o.HandshakeTimeout = HandshakeMs; }, _time);

    /// <summary>
    /// An hour: the tests move virtual time on fast, and a slow machine would otherwise see links close for missed
    /// keep-alives (in-memory links answer in real time) rather than for the rules under test.
    /// </summary>
    private const int KeepAliveMs = 3_600_000;

    /// <summary>Ten minutes, for the same reason: the felt peer once closed a feeler's link first in a loaded full run.</summary>
    private const int HandshakeMs = 600_000;

    /// <summary>Moves virtual time on in small steps until <paramref name="condition"/> holds.</summary>
    private Task AdvanceUntilAsync(Func<bool> condition, string because, int stepMs = 100) =>
        Wait.UntilAsync(() =>
        {
            if (condition())
                return true;
            _time.Advance(TimeSpan.FromMilliseconds(stepMs));
            return false;
        }, Patience, because);

    private static IEnumerable<Peer> Outbound(MemoryNode node) => node.Network.Peers.Where(p => p.Direction == PeerDirection.Outbound);

    [Fact]
    public async Task Rotation_ReplacesLinksBootstrapOpened_AndNeverClosesAnExplicitOne()
    {
        var others = new List<MemoryNode>();
        for (var i = 0; i < 4; i++)
            others.Add(await PlainAsync($"tcp://n{i}:1"));
        var a = await NodeWithEngineAsync("tcp://a:1", o => { o.Connections = 3; o.RotateInterval = 1000; o.FeelerInterval = 0; });
        using var rotated = a.Services.Collect("peernet.connections.rotated");
        var explicitLink = await a.ConnectAsync(others[3], TestContext.Current.CancellationToken);
        Assert.Equal(DialPurpose.Explicit, explicitLink.Purpose);
        await a.Node.SaveAsync(others.Take(3).Select(o => o.Address.Value), TestContext.Current.CancellationToken);

        await AdvanceUntilAsync(() => Outbound(a).Count() == 3, "bootstrap filled the two other outbound slots");
        await AdvanceUntilAsync(() => rotated.Sum() >= 4 && Outbound(a).Count() == 3, "four rotations ran, each link replaced");

        Assert.False(explicitLink.IsClosed);
        Assert.Contains(explicitLink, a.Network.Peers);
        Assert.All(Outbound(a).Where(p => p != explicitLink), p => Assert.Equal(DialPurpose.Bootstrap, p.Purpose));
    }

    [Fact]
    public async Task Rotation_LeavesANodeThatIsStillFilling_Alone()
    {
        var b = await PlainAsync("tcp://b:1");
        var a = await NodeWithEngineAsync("tcp://a:1", o => { o.Connections = 2; o.RotateInterval = 500; o.FeelerInterval = 0; });
        await a.Node.SaveAsync([b.Address.Value], TestContext.Current.CancellationToken);
        await AdvanceUntilAsync(() => Outbound(a).Count() == 1, "bootstrap dialled the only address it has");

        var rotation = a.Get<OutboundRotation>();
        Assert.Null(rotation.RotateOnce()); // one of two outbound: bootstrap is still filling
        Assert.Single(Outbound(a));
    }

    [Fact]
    public async Task AFeeler_TestsAStoredAddressThatIsNotConnected_ThenClosesIt()
    {
        var b = await PlainAsync("tcp://b:1");
        var c = await PlainAsync("tcp://c:1");
        var a = await NodeWithEngineAsync("tcp://a:1", o => { o.Connections = 1; o.FeelerInterval = 1000; o.RotateInterval = 0; });
        using var dials = a.Services.Collect("peernet.dials");
        await a.Node.SaveAsync([b.Address.Value, c.Address.Value], TestContext.Current.CancellationToken);
        // A feeler may come first (bootstrap's period is 5 s, the feeler's 1 s): the kept link is the one bootstrap opened.
        await AdvanceUntilAsync(() => Outbound(a).Count(p => p.Purpose == DialPurpose.Bootstrap) == 1, "bootstrap holds its one connection");
        var kept = Outbound(a).Single(p => p.Purpose == DialPurpose.Bootstrap);
        var felt = kept.Address!.Value == b.Address.Value ? c : b;

        Peer? feeler = null;
        a.Network.PeerConnected += p =>
        {
            if (p.Purpose == DialPurpose.Feeler && p.Address!.Value == felt.Address.Value)
                Interlocked.CompareExchange(ref feeler, p, null);
        };
        await AdvanceUntilAsync(() => Volatile.Read(ref feeler) is { IsClosed: true }, "a feeler connected and was closed after its hold", stepMs: 250);
        Assert.Equal(felt.Address.Value, feeler!.Address!.Value);
        Assert.StartsWith("feeler", feeler.CloseReason);
        Assert.True(dials.Sum("purpose", "feeler") >= 1);
        Assert.False(kept.IsClosed);
        Assert.Single(Outbound(a), p => p.Purpose != DialPurpose.Feeler); // later feelers may be open meanwhile
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        var stats = await a.Node.GetStatsAsync(felt.Address.Value, TestContext.Current.CancellationToken);
        Assert.True(stats?.Connections.Ok >= 1, "the feeler's success is recorded for the address");
    }

    [Fact]
    public async Task WithBootstrapOff_NoFeelerOrRotationRuns_AndHandBuiltLinksStay()
    {
        var b = await PlainAsync("tcp://b:1");
        var c = await PlainAsync("tcp://c:1");
        var a = await NodeWithEngineAsync("tcp://a:1", o => { o.Bootstrap = false; o.Connections = 1; o.FeelerInterval = 100; o.RotateInterval = 100; });
        using var dials = a.Services.Collect("peernet.dials");
        using var rotated = a.Services.Collect("peernet.connections.rotated");
        var link = await a.ConnectAsync(b, TestContext.Current.CancellationToken);
        await a.Node.SaveAsync([c.Address.Value], TestContext.Current.CancellationToken);

        for (var i = 0; i < 50; i++)
            _time.Advance(TimeSpan.FromMilliseconds(100));

        // The healing loops return at once without bootstrap (nothing is pending to wait for): nothing was dialled or closed.
        Assert.Equal(0, dials.Sum());
        Assert.Equal(0, rotated.Sum());
        Assert.False(link.IsClosed);
        Assert.Equal(0, c.Network.Count);
    }

    [Fact]
    public async Task Anchors_AreTheLongestHeldOutboundLinks_AndShutdownKeepsThem()
    {
        var b = await PlainAsync("tcp://b:1");
        var c = await PlainAsync("tcp://c:1");
        var d = await PlainAsync("tcp://d:1");
        var a = await NodeWithEngineAsync("tcp://a:1", o => { o.Connections = 3; o.Anchors = 2; o.FeelerInterval = 0; o.RotateInterval = 0; });
        await a.Node.SaveAsync([b.Address.Value], TestContext.Current.CancellationToken);
        await AdvanceUntilAsync(() => Outbound(a).Count() == 1, "b is dialled first");
        _time.Advance(TimeSpan.FromSeconds(1));
        await a.Node.SaveAsync([c.Address.Value], TestContext.Current.CancellationToken);
        await AdvanceUntilAsync(() => Outbound(a).Count() == 2, "then c");
        _time.Advance(TimeSpan.FromSeconds(1));
        await a.Node.SaveAsync([d.Address.Value], TestContext.Current.CancellationToken);
        await AdvanceUntilAsync(() => Outbound(a).Count() == 3, "then d");

        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal([b.Address.Value, c.Address.Value], await a.Store.LoadAnchorsAsync(TestContext.Current.CancellationToken));

        // The oldest goes: the next-longest-held links are the anchors now.
        await Outbound(a).Single(p => p.Address!.Value == b.Address.Value).CloseAsync("test drops it");
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal([c.Address.Value, d.Address.Value], await a.Store.LoadAnchorsAsync(TestContext.Current.CancellationToken));

        // Shutdown closes every link; the anchors are those before it.
        await a.Network.StopAsync(TestContext.Current.CancellationToken);
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal([c.Address.Value, d.Address.Value], await a.Store.LoadAnchorsAsync(TestContext.Current.CancellationToken));
    }
}
