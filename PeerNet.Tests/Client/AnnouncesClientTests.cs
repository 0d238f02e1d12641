using PeerNet.Client;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Client;

/// <summary>
/// The announce and request groups of the client as a sidecar and an application drive them, on two real hosts: a
/// subscription on one sees the announce of the other, its reply streams back to the announcer, the report is fetched.
/// </summary>
public sealed class AnnouncesClientTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TestCluster _cluster = new();
    private IReadOnlyList<TestNode> _hosts = [];

    public async ValueTask InitializeAsync()
    {
        _hosts = await _cluster.StartAsync(2, _ => TestNodeOptions.With(("PeerNet:Interval", "0"), ("PeerNet:Purge", "0")));
        using var client = new PeerNetClient(_hosts[0].BaseAddress);
        await client.Connections.ConnectAsync(_hosts[1].PeerAddress, Ct);
        await Wait.UntilAsync(() => _hosts[1].Node.ConnectionCount == 1, TestCluster.Patience, "the far end counts the connection");
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task ARequestReachesTheSidecar_ItsReplyStreamsBack_AndTheReportIsThere()
    {
        using var announcer = new PeerNetClient(_hosts[0].BaseAddress);
        using var sidecar = new PeerNetClient(_hosts[1].BaseAddress);
        await using var subscription = await sidecar.Requests.SubscribeAsync("search", Ct);
        var answering = Task.Run(async () =>
        {
            await foreach (var request in subscription.ReadAllAsync(Ct))
            {
                await sidecar.Requests.ReplyAsync(request.Handle, new Reply { Data = "found " + request.Data }, Ct);
                return request;
            }
            throw new InvalidOperationException("The request stream ended.");
        }, Ct);

        var replies = new List<AnnounceReply>();
        var announcement = new Announcement { Id = "c11e47", Type = "search", Data = "cats", Report = true };
        var stream = announcer.Announces.AnnounceAsync(announcement, TimeSpan.FromSeconds(15), max: 1, Ct);
        await foreach (var reply in stream)
            replies.Add(reply);
        Assert.Equal("c11e47", stream.Summary?.Id); // the reported stream ends with its summary event

        var request = await answering;
        Assert.Equal(("search", "cats", "c11e47"), (request.Type, request.Data, request.Id));
        var answer = Assert.Single(replies); // max 1: the stream ended at the first reply
        Assert.Equal(("found cats", "c11e47"), (answer.Data, answer.Reply));
        Assert.Equal("found cats"u8.ToArray(), answer.Bytes());
        var report = await announcer.Announces.GetReportAsync("c11e47", Ct);
        Assert.Equal("c11e47", report.Id);
        Assert.Throws<InvalidOperationException>(() => stream.GetAsyncEnumerator(Ct)); // sent once
    }

    [Fact]
    public async Task AnAnnounceWithoutAnId_IsNamedByTheClient_SoItsReportCanBeFetched()
    {
        using var client = new PeerNetClient(_hosts[0].BaseAddress);

        var stream = client.Announces.AnnounceAsync(new Announcement { Type = "nobody-listens", Report = true }, TimeSpan.FromMilliseconds(300), cancellationToken: Ct);
        await foreach (var _ in stream)
            Assert.Fail("Nobody answers this type.");

        Assert.Matches("^[0-9a-f]{16}$", stream.Id);
        Assert.Equal(stream.Id, stream.Summary?.Id);
        Assert.Equal(stream.Id, (await client.Announces.GetReportAsync(stream.Id, Ct)).Id);
    }

    [Fact]
    public async Task ABadAnnounce_IsA400BeforeAnyReply_AndAnUnknownReportA404()
    {
        using var client = new PeerNetClient(_hosts[0].BaseAddress);

        var error = await Assert.ThrowsAsync<PeerNetApiException>(async () =>
        {
            await foreach (var _ in client.Announces.AnnounceAsync(new Announcement { Id = "not hex" }, cancellationToken: Ct))
                Assert.Fail("No reply to a refused announce.");
        });
        Assert.Equal(["id"], error.Errors.Keys);

        var unknown = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Announces.GetReportAsync("abcdef", Ct));
        Assert.Equal(ProblemKind.NotFound, unknown.Kind);
    }

    [Fact]
    public async Task AReplyToAnUnknownHandle_IsA404()
    {
        using var client = new PeerNetClient(_hosts[1].BaseAddress);

        var error = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Requests.ReplyAsync("no-such-handle", new Reply { Data = "x" }, Ct));

        Assert.Equal(ProblemKind.NotFound, error.Kind);
        Assert.Equal("Unknown request handle", error.Title);
    }

    [Fact]
    public async Task TheRequestStreamOfANodeWithAKey_NeedsTheKey()
    {
        var keyed = await _cluster.StartAsync(TestNodeOptions.With(("PeerNet:ApiKey", "requests-key-0123456789")));
        using var without = new PeerNetClient(keyed.BaseAddress);
        using var with = new PeerNetClient(keyed.BaseAddress, "requests-key-0123456789");

        var error = await Assert.ThrowsAsync<PeerNetApiException>(() => without.Requests.SubscribeAsync(cancellationToken: Ct));
        Assert.Equal(ProblemKind.Unauthorized, error.Kind);
        await using var subscription = await with.Requests.SubscribeAsync(cancellationToken: Ct);
    }
}
