using Google.Protobuf;
using PeerNet.Gossip;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;
using PeerNet.Topics;

namespace PeerNet.Tests.Topics;

/// <summary>Lookups between in-memory nodes and against scripted (hostile) peers: what is found, and what cannot fill a lookup.</summary>
public sealed class TopicLookupTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly MemoryNet _net = new();
    private readonly List<MemoryNode> _started = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _started)
            await node.Get<GossipEngine>().StopAsync(CancellationToken.None);
        await _net.DisposeAsync();
    }

    private async Task<MemoryNode> NodeAsync(string address, Action<PeerNetOptions>? configure = null)
    {
        var node = await _net.AddAsync(address, o => { o.Bootstrap = false; o.Interval = 0; o.Purge = 0; configure?.Invoke(o); });
        await node.Get<GossipEngine>().StartAsync(CancellationToken.None);
        _started.Add(node);
        return node;
    }

    private static async Task<List<TopicMember>> FindAllAsync(MemoryNode node, string topic, int max, TimeSpan timeout)
    {
        var found = new List<TopicMember>();
        await foreach (var member in node.Node.Topics.FindAsync(topic, max, timeout, Ct))
            found.Add(member);
        return found;
    }

    private static Message Answer(ByteString reply, NodeId claimed, IEnumerable<string> addresses, uint hops = 0, string topic = "chat") => new()
    {
        Response = new Announce
        {
            Id = ByteString.CopyFrom(Guid.NewGuid().ToByteArray()),
            Reply = reply,
            Hops = hops,
            Type = MessageTypes.TopicFind,
            Data = ByteString.CopyFrom(TopicWire.EncodeAnswers(TopicName.Hash(topic), claimed, [.. addresses.Select(a => (a, TimeSpan.Zero))])[0]),
        },
    };

    [Fact]
    public async Task AJoinOnOneNode_IsFoundFromAnother_OverARelay_WhileNoApplicationSeesTheLookup()
    {
        var a = await NodeAsync("tcp://a:1");
        var relay = await NodeAsync("tcp://r:1");
        var b = await NodeAsync("tcp://b:1");
        await a.ConnectAsync(relay, Ct);
        await relay.ConnectAsync(b, Ct);
        using var relayApps = relay.Node.SubscribeRequests();
        using var bApps = b.Node.SubscribeRequests();
        await using var joined = await b.Node.Topics.JoinAsync("chat", ["udp://10.9.9.9:7000"], TimeSpan.FromMinutes(5), Ct);

        var found = await FindAllAsync(a, "chat", max: 1, timeout: Patience);

        var member = Assert.Single(found);
        Assert.Equal(("udp://10.9.9.9:7000", b.Node.Id), (member.Address, member.NodeId));
        Assert.Empty(await FindAllAsync(a, "other", max: 1, timeout: TimeSpan.FromMilliseconds(300)));
        // The lookups reached both (they answered or stayed silent) and no subscriber got them.
        await foreach (var _ in a.Node.AnnounceAsync(new PeerNet.Gossip.Announcing.AnnounceMessage { Type = ByteString.CopyFromUtf8("after").Memory }, TimeSpan.FromMilliseconds(1), Ct))
        {
        }
        Assert.Equal("after", (await relayApps.ReadAllAsync(Ct).FirstAsync(Ct)).TypeText);
        Assert.Equal("after", (await bApps.ReadAllAsync(Ct).FirstAsync(Ct)).TypeText);
    }

    [Fact]
    public async Task ALookupThatFoundMax_IsAnsweredFromTheCacheNext_WithoutAFrame()
    {
        var a = await NodeAsync("tcp://a:1");
        var b = await NodeAsync("tcp://b:1");
        await a.ConnectAsync(b, Ct);
        await using var joined = await b.Node.Topics.JoinAsync("chat", ["udp://m1", "udp://m2"], TimeSpan.FromMinutes(5), Ct);
        using var lookups = a.Services.Collect("peernet.topics.lookups");

        Assert.Equal(2, (await FindAllAsync(a, "chat", 2, Patience)).Count);
        var cached = await FindAllAsync(a, "chat", 2, Patience);

        Assert.Equal(["udp://m1", "udp://m2"], cached.Select(m => m.Address).Order());
        Assert.Equal((1, 1), (lookups.Sum("result", "network"), lookups.Sum("result", "cached")));
    }

    [Fact]
    public async Task AHostileResponder_CannotFillALookup_NorMintResponderIds_NorFloodIt()
    {
        var a = await NodeAsync("tcp://a:1");
        var b = await NodeAsync("tcp://b:1");
        await a.ConnectAsync(b, Ct);
        string[] honest = ["udp://h1", "udp://h2", "udp://h3", "udp://h4", "udp://h5"];
        await using var joined = await b.Node.Topics.JoinAsync("chat", honest, TimeSpan.FromMinutes(5), Ct);
        var hostileId = NodeId.Read(Convert.FromHexString("eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"));
        await using var hostile = _net.Raw(a, id: hostileId);
        await hostile.HandshakeAsync();
        await Wait.UntilAsync(() => a.Network.Count == 2, Patience, "the hostile peer is handshaken");
        using var dropped = a.Services.Collect("peernet.topics.members.dropped");

        // The hostile peer answers the lookup first: 60 members of its own, members under 20 ids it does not own, and 100 frames more.
        var lookup = a.Node.Topics.FindAsync("chat", max: 8, timeout: Patience, Ct).GetAsyncEnumerator(Ct);
        var first = lookup.MoveNextAsync();
        var request = (await hostile.ReadTypeAsync("_pn.topic"))!.Request;
        for (var i = 0; i < 20; i++)
            await hostile.SendAsync(Answer(request.Id, hostileId, Enumerable.Range(0, 3).Select(j => $"udp://fake{i}-{j}")));
        for (var i = 0; i < 20; i++)
            await hostile.SendAsync(Answer(request.Id, NodeId.Read(Guid.NewGuid().ToByteArray()), [$"udp://minted{i}"]));
        for (var i = 0; i < 100; i++)
            await hostile.SendAsync(Answer(request.Id, hostileId, [$"udp://flood{i}"]));

        var found = new List<TopicMember>();
        if (await first)
            found.Add(lookup.Current);
        while (await lookup.MoveNextAsync())
            found.Add(lookup.Current);
        await lookup.DisposeAsync();

        Assert.Equal(8, found.Count);
        Assert.True(honest.All(h => found.Any(m => m.Address == h)), "every honest member is in: " + string.Join(", ", found.Select(m => m.Address + "@" + m.NodeId[..4])));
        Assert.True(found.Count(m => m.NodeId == hostileId.ToString()) <= 3);
        Assert.DoesNotContain(found, m => m.Address.StartsWith("udp://minted", StringComparison.Ordinal));
        Assert.Equal(20, dropped.Sum("reason", "forged"));
        Assert.True(dropped.Sum("reason", "over_responder") > 0);
    }

    [Fact]
    public async Task APeerLookingUpInALoop_GetsAtMostTheBurstAnswered_TheRestCounted()
    {
        var b = await NodeAsync("tcp://b:1", o => { o.TopicLookupRate = 1; o.TopicLookupBurst = 3; });
        await using var joined = await b.Node.Topics.JoinAsync("chat", ["udp://m1"], TimeSpan.FromMinutes(5), Ct);
        using var answers = b.Services.Collect("peernet.topics.answers");
        await using var asker = _net.Raw(b);
        await asker.HandshakeAsync();
        await Wait.UntilAsync(() => b.Network.Count == 1, Patience, "handshaken");

        for (var i = 0; i < 12; i++)
        {
            await asker.SendAsync(new Message
            {
                Request = new Announce
                {
                    Id = ByteString.CopyFrom(BitConverter.GetBytes(5000L + i)), Hops = 0, Limit = 0, Type = MessageTypes.TopicFind,
                    Data = ByteString.CopyFrom(TopicWire.EncodeLookup(TopicName.Hash("chat"), 5)),
                },
            });
        }
        await Wait.UntilAsync(() => answers.Sum() == 12, Patience, "every lookup was handled");
        Assert.InRange(answers.Sum("result", "ok"), 1, 3 + 1); // +1: a token may refill meanwhile
        Assert.True(answers.Sum("result", "rate_limited") >= 12 - 3 - 1);
        var answer = TopicWire.TryDecodeAnswer((await asker.ReadTypeAsync("_pn.topic"))!.Response.Data.Span)!;
        Assert.Equal((b.Identity.Id, "udp://m1"), (answer.Node, answer.Members.Single().Address));
    }
}
