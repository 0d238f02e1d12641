using PeerNet.Gossip;
using PeerNet.Gossip.Announcing;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Announcing;

/// <summary>The library API of announces over in-memory connections: PeerNode.AnnounceAsync, subscriptions, replies.</summary>
public sealed class AnnounceLibraryTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly MemoryNet _net = new();
    private readonly List<MemoryNode> _line = [];

    public async ValueTask InitializeAsync()
    {
        // A line: 1 - 2 - 3 - 4 - 5, each dialling the previous one (the original's linear test).
        for (var i = 1; i <= 5; i++)
        {
            var node = await _net.AddAsync($"tcp://n{i}:1", o => { o.Bootstrap = false; o.Interval = 0; o.Purge = 0; });
            await node.Get<GossipEngine>().StartAsync(CancellationToken.None);
            if (_line.Count > 0)
                await node.ConnectAsync(_line[^1]);
            _line.Add(node);
        }
        foreach (var node in _line)
            await Wait.UntilAsync(() => node.Network.Count == (node == _line[0] || node == _line[^1] ? 1 : 2), Patience, "the line is connected");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _line)
            await node.Get<GossipEngine>().StopAsync(CancellationToken.None);
        await _net.DisposeAsync();
    }

    [Fact]
    public async Task AnAnnounceReachesTheEndOfTheLine_AndItsAnswerComesBack_Hops3BothWays()
    {
        using var last = _line[4].Node.SubscribeRequests("search");
        var answering = Task.Run(async () =>
        {
            await foreach (var request in last.ReadAllAsync())
            {
                Assert.Equal(3u, request.Hops);
                Assert.Equal("whatever", request.DataText);
                Assert.True(await request.ReplyAsync("found it"));
                return;
            }
        }, TestContext.Current.CancellationToken);

        var responses = new List<AnnounceResponse>();
        await foreach (var response in _line[0].Node.AnnounceAsync(AnnounceMessage.Create("search", "whatever"), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))
        {
            responses.Add(response);
            break;
        }
        await answering;

        var answer = Assert.Single(responses);
        Assert.Equal(3u, answer.Hops);
        Assert.Equal("found it", answer.DataText);
        Assert.Equal("search", answer.TypeText); // the request's type, as the reply gave none
    }

    [Fact]
    public async Task ASignedAnnounce_ReachesTheEndWithItsSigner_AndASignedReplyComesBackWithTheRepliers()
    {
        using var last = _line[4].Node.SubscribeRequests("signed");
        var answering = Task.Run(async () =>
        {
            await foreach (var request in last.ReadAllAsync())
            {
                Assert.Equal(_line[0].Identity.Id, request.SignerId);
                Assert.Equal(_line[0].Identity.Key.PublicKey.ToArray(), request.Signer.ToArray());
                Assert.True(await request.ReplyAsync(ReplyMessage.Text("yes") with { Sign = true }));
                return;
            }
        }, TestContext.Current.CancellationToken);

        AnnounceResponse? answer = null;
        await foreach (var response in _line[0].Node.AnnounceAsync(AnnounceMessage.Create("signed", "who?") with { Sign = true }, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))
        {
            answer = response;
            break;
        }
        await answering;
        Assert.Equal(("yes", _line[4].Identity.Id), (answer!.Value.DataText, answer.Value.SignerId));
        Assert.Equal(_line[4].Identity.Key.PublicKey.ToArray(), answer.Value.Signer.ToArray());
    }

    [Fact]
    public async Task AnUnsignedAnnounce_HasNoSigner()
    {
        using var last = _line[1].Node.SubscribeRequests("plain");
        await foreach (var _ in _line[0].Node.AnnounceAsync(AnnounceMessage.Create("plain"), TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken))
        {
        }
        await foreach (var request in last.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            Assert.True(request.Signer.IsEmpty);
            Assert.Null(request.SignerId);
            break;
        }
    }

    [Fact]
    public async Task Limit2ReachesThreeLinksOut_NotFour()
    {
        var seen = new int[5];
        foreach (var (node, i) in _line.Select((n, i) => (n, i)))
            node.Node.RequestReceived += _ => Interlocked.Increment(ref seen[i]);

        await foreach (var _ in _line[0].Node.AnnounceAsync(AnnounceMessage.Create("ping", limit: 2), TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken))
        {
        }
        // A second announce without a limit reaches the end: once it has, the first one had every chance to.
        await foreach (var _ in _line[0].Node.AnnounceAsync(AnnounceMessage.Create("ping"), TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken))
        {
        }
        await Wait.UntilAsync(() => Volatile.Read(ref seen[4]) == 1, Patience, "the unlimited announce reached node 5");
        Assert.Equal([0, 2, 2, 2, 1], seen); // n1-n3 see both (hops 0, 1, 2 <= limit 2), n4 only the unlimited one
    }

    [Theory]
    [InlineData("id")]
    [InlineData("type")]
    [InlineData("data")]
    [InlineData("hops")]
    public void InvalidFieldsThrowNamingTheField(string field)
    {
        var message = field switch
        {
            "id" => new AnnounceMessage { Id = new byte[65] },
            "type" => new AnnounceMessage { Type = new byte[65] },
            "data" => new AnnounceMessage { Data = new byte[1025] },
            _ => new AnnounceMessage { Hops = 3, Limit = 2 },
        };
        var error = Assert.ThrowsAny<ArgumentException>(() => _line[0].Node.AnnounceAsync(message, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public async Task AReplyToAPeerThatLeftIsRefused()
    {
        using var second = _line[1].Node.SubscribeRequests();
        await foreach (var _ in _line[0].Node.AnnounceAsync(AnnounceMessage.Create("x"), TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken))
        {
        }
        IncomingRequest? request = null;
        await foreach (var r in second.ReadAllAsync(new CancellationTokenSource(Patience).Token))
        {
            request = r;
            break;
        }
        await _line[1].Network.DisconnectAsync(_line[0].Identity.Id);
        Assert.False(await request!.ReplyAsync("too late", TestContext.Current.CancellationToken));
    }
}
