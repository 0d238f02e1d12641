using Google.Protobuf;
using PeerNet.Gossip;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip;

/// <summary>The asking side of node exchange over in-memory connections.</summary>
public sealed class NodeExchangeTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    private async Task<MemoryNode> AskerAsync(Action<PeerNetOptions>? configure = null)
    {
        // No engine: sessions hand _addrs traffic to node exchange directly; the test asks by hand.
        return await _net.AddAsync("tcp://a:1", o => { o.Interval = 0; configure?.Invoke(o); });
    }

    private static async Task<List<string>> KnownAsync(MemoryNode node)
    {
        await node.Store.FlushAsync();
        return (await node.Node.KnownAsync().ToListAsync()).Order().ToList();
    }

    [Fact]
    public async Task SavesTheAnswers_CountsRxAndTx_SkipsOutOfScopeAndTombstoned()
    {
        var a = await AskerAsync(o => o.Size = 50);
        var b = await _net.AddAsync("tcp://b:1", o => o.Advertise = ["tcp://b:1"]);
        // Private addresses in different /16s: the address table gives one /16 from one source a single bucket.
        await b.Node.SaveAsync(["ws://10.1.0.1:8080/peer", "ws://10.2.0.2:8080/peer", "ws://169.254.0.9/peer", "ws://127.0.0.1:9/peer", "ws://10.0.0.3/peer"], TestContext.Current.CancellationToken);
        await a.Node.SaveAsync(["ws://10.0.0.3/peer"], TestContext.Current.CancellationToken);
        await a.Node.RemoveAsync(["ws://10.0.0.3/peer"], TestContext.Current.CancellationToken); // tombstoned at a
        using var learned = a.Services.Collect("peernet.exchange.addresses.learned");
        using var refused = a.Services.Collect("peernet.exchange.addresses.refused");
        var peer = await a.ConnectAsync(b, TestContext.Current.CancellationToken);

        Assert.True(a.Get<NodeExchange>().Ask(peer));

        await Wait.UntilAsync(() => learned.Sum() + refused.Sum() == 6, Patience, "all six answers handled");
        Assert.Equal(["tcp://b:1", "ws://10.1.0.1:8080/peer", "ws://10.2.0.2:8080/peer"], await KnownAsync(a));
        Assert.Equal(2, refused.Sum("reason", "scope")); // link-local, and loopback on a node that does not advertise one
        var stats = (await a.Node.GetStatsAsync("tcp://b:1", TestContext.Current.CancellationToken))!;
        Assert.Equal(4, stats.Nodes.Rx); // b's own address, two private ones and the tombstoned one (skipped by the store)
    }

    [Fact]
    public async Task AnswersToNoRequestOfOursAreDropped()
    {
        var a = await AskerAsync();
        await using var peer = _net.Raw(a);
        await peer.HandshakeAsync();
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "the scripted peer is handshaken");
        using var refused = a.Services.Collect("peernet.exchange.addresses.refused");

        // An original node relays answers to others' requests: same type, a reply we never sent.
        await peer.SendAsync(new Message
        {
            Response = new Announce { Id = ByteString.CopyFromUtf8("r1"), Hops = 1, Reply = ByteString.CopyFromUtf8("not-ours"), Type = MessageTypes.Addrs, Data = ByteString.CopyFromUtf8("ws://10.9.9.9/peer") },
        });
        await Wait.UntilAsync(() => refused.Sum("reason", "unsolicited") == 1, Patience, "the answer is counted as unsolicited");
        Assert.Empty(await KnownAsync(a));
    }

    [Fact]
    public async Task APeerStuffingAnswersIsCutOffAtTheAllowance_AndInvalidAddressesAreRefused()
    {
        var a = await AskerAsync(o => o.Size = 2);
        await using var peer = _net.Raw(a);
        await peer.HandshakeAsync();
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "the scripted peer is handshaken");

        var exchange = a.Get<NodeExchange>();
        using var learned = a.Services.Collect("peernet.exchange.addresses.learned");
        using var refused = a.Services.Collect("peernet.exchange.addresses.refused");
        Assert.True(exchange.Ask(a.Network.Peers[0]));
        Message? request;
        do request = await peer.ReadAsync();
        while (request is not null && !(request.KindCase == Message.KindOneofCase.Request && request.Request.Type.Equals(MessageTypes.Addrs)));
        Assert.Equal("{\"size\":2}", request!.Request.Data.ToStringUtf8());

        await peer.SendAsync(Answer(request, "not an address"));
        await peer.SendAsync(Answer(request, "http://10.0.0.1/"));
        for (var i = 0; i < 20; i++)
            await peer.SendAsync(Answer(request, $"ws://10.{i + 1}.0.1/peer")); // one /16 each: the table spreads them

        await Wait.UntilAsync(() => learned.Sum() + refused.Sum() == 22, Patience, "every answer handled");
        Assert.Equal(2 * PeerNetLimits.AnswerAllowanceFactor - 2, learned.Sum()); // 2 invalid ones used up the allowance too
        Assert.Equal((2, 22 - 2 * PeerNetLimits.AnswerAllowanceFactor), (refused.Sum("reason", "invalid"), refused.Sum("reason", "allowance")));
        Assert.Equal(2 * PeerNetLimits.AnswerAllowanceFactor - 2, (await KnownAsync(a)).Count);
    }

    [Fact]
    public async Task LearnedAddresses_LoseTheirQuery_ButKeepThePath()
    {
        var a = await AskerAsync();
        var b = await _net.AddAsync("tcp://b:1");
        await b.Node.SaveAsync(["ws://10.0.0.1:8080/admin/do?x=1"], TestContext.Current.CancellationToken);
        using var learned = a.Services.Collect("peernet.exchange.addresses.learned");
        var peer = await a.ConnectAsync(b, TestContext.Current.CancellationToken);

        Assert.True(a.Get<NodeExchange>().Ask(peer));

        await Wait.UntilAsync(() => learned.Sum() == 1, Patience, "the answer is learned");
        Assert.Equal(["ws://10.0.0.1:8080/admin/do"], await KnownAsync(a));
    }

    [Fact]
    public async Task ThirdPartyAddresses_SpendTheSourcesBudget_OverReconnects_ButAPeersOwnAddressDoesNot()
    {
        var a = await AskerAsync(o => { o.Size = 20; o.LearnBurst = 5; o.LearnRate = 0.001; });
        var b = await _net.AddAsync("tcp://b:1", o => o.Advertise = ["tcp://b:1"]);
        await b.Node.SaveAsync(Enumerable.Range(1, 8).Select(i => $"ws://10.{i}.0.1:8080/peer"), TestContext.Current.CancellationToken);
        using var learned = a.Services.Collect("peernet.exchange.addresses.learned");
        using var refused = a.Services.Collect("peernet.exchange.addresses.refused");

        var peer = await a.ConnectAsync(b, TestContext.Current.CancellationToken);
        Assert.True(a.Get<NodeExchange>().Ask(peer));
        await Wait.UntilAsync(() => learned.Sum() + refused.Sum() == 9, Patience, "all nine answers handled");
        Assert.Equal(1 + 5, learned.Sum()); // b's own address, then the burst of five
        Assert.Equal(3, refused.Sum("reason", "rate"));

        // Reconnecting does not refill the budget: it belongs to the source, not the connection.
        await peer.CloseAsync("test: reconnect");
        await Wait.UntilAsync(() => a.Network.Count == 0 && b.Network.Count == 0, Patience, "the first connection is gone at both ends");
        var again = await a.ConnectAsync(b, TestContext.Current.CancellationToken);
        Assert.True(a.Get<NodeExchange>().Ask(again));
        await Wait.UntilAsync(() => learned.Sum() + refused.Sum() == 18, Patience, "all nine answers handled again");
        Assert.Equal(6 + 1, learned.Sum()); // only b's own address, known already, goes through
        Assert.Equal(3 + 8, refused.Sum("reason", "rate"));
    }

    [Fact]
    public async Task FakePortsOnAPeersOwnHost_PassOnlyASmallAllowance_ThenSpendTheBudget()
    {
        // The testnet's attacker named hundreds of closed ports on its own IP: "own" addresses must not skip the budget.
        var a = await AskerAsync(o => { o.Size = 100; o.LearnBurst = 5; o.LearnRate = 0.001; o.Advertise = ["ws://127.0.0.1:1/peer"]; });
        await using var peer = _net.Raw(a, from: System.Net.IPAddress.Parse("127.0.0.2"));
        await peer.HandshakeAsync();
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "the scripted peer is handshaken");
        using var learned = a.Services.Collect("peernet.exchange.addresses.learned");
        using var refused = a.Services.Collect("peernet.exchange.addresses.refused");
        Assert.True(a.Get<NodeExchange>().Ask(a.Network.Peers[0]));
        Message? request;
        do request = await peer.ReadAsync();
        while (request is not null && !(request.KindCase == Message.KindOneofCase.Request && request.Request.Type.Equals(MessageTypes.Addrs)));

        for (var port = 1000; port < 1040; port++)
            await peer.SendAsync(Answer(request!, $"ws://127.0.0.2:{port}/peer"));

        await Wait.UntilAsync(() => learned.Sum() + refused.Sum() == 40, Patience, "all forty answers handled");
        Assert.Equal(NodeExchange.OwnAddressBurst + 5, learned.Sum()); // the own-host allowance, then the source's burst
        Assert.Equal(40 - NodeExchange.OwnAddressBurst - 5, refused.Sum("reason", "rate"));
    }

    private static Message Answer(Message request, string address) => new()
    {
        Response = new Announce { Id = ByteString.CopyFromUtf8(Guid.NewGuid().ToString("N")[..8]), Hops = 0, Reply = request.Request.Id, Type = MessageTypes.Addrs, Limit = 1, Data = ByteString.CopyFromUtf8(address) },
    };
}
