using PeerNet.Client;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Client;

/// <summary>The topics group of the client (join, renew, list, find, leave) against real hosts on loopback.</summary>
public sealed class TopicsClientTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TestCluster _cluster = new();
    private IReadOnlyList<TestNode> _hosts = null!;

    public async ValueTask InitializeAsync()
    {
        _hosts = await _cluster.StartAsync(2, _ => TestNodeOptions.With(("PeerNet:Interval", "0"), ("PeerNet:TopicMembersPerTopic", "3")));
        await _hosts[1].Node.ConnectAsync(_hosts[0].PeerAddress, Ct);
        await _cluster.UntilAsync(() => _hosts[0].Node.ConnectionCount == 1, "the two hosts are connected");
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task JoinedAddresses_AreListed_FoundFromTheOtherHostAsTheyArrive_AndLeft()
    {
        using var member = new PeerNetClient(_hosts[1].BaseAddress);
        using var finder = new PeerNetClient(_hosts[0].BaseAddress);

        var joined = await member.Topics.JoinAsync("chat", ["udp://10.0.0.1:7000", "udp://10.0.0.2:7000"], TimeSpan.FromMinutes(1), Ct);
        Assert.Equal((2, 0), (joined.Added, joined.Renewed));
        Assert.Equal(1, (await member.Topics.JoinAsync("chat", ["udp://10.0.0.1:7000"], cancellationToken: Ct)).Renewed);
        var listed = Assert.Single(await member.Topics.ListAsync(Ct));
        Assert.Equal(("chat", joined.Hash), (listed.Topic, listed.Hash));
        Assert.Equal(["udp://10.0.0.1:7000", "udp://10.0.0.2:7000"], listed.Members.Select(m => m.Address).Order());

        var found = new List<TopicMember>();
        await foreach (var item in finder.Topics.FindAsync("chat", max: 2, timeout: TimeSpan.FromSeconds(60), Ct))
            found.Add(item);
        Assert.Equal(["udp://10.0.0.1:7000", "udp://10.0.0.2:7000"], found.Select(m => m.Address).Order());
        Assert.All(found, m => Assert.Equal(_hosts[1].Node.Id, m.NodeId));
        Assert.Equal(2, (await finder.Topics.FindAllAsync("chat", 2, TimeSpan.FromSeconds(60), Ct)).Count);

        Assert.Equal(2, await member.Topics.LeaveAsync("chat", ["udp://10.0.0.1:7000", "udp://10.0.0.2:7000"], Ct));
        Assert.Empty(await member.Topics.ListAsync(Ct));
    }

    [Fact]
    public async Task ABadTtl_IsA400NamingIt_ABadFindMaxToo_AndAFullTopicIsA409()
    {
        using var client = new PeerNetClient(_hosts[0].BaseAddress);

        var ttl = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Topics.JoinAsync("chat", ["udp://a"], TimeSpan.FromHours(1), Ct));
        Assert.Equal(ProblemKind.BadRequest, ttl.Kind);
        Assert.Equal(["ttlSeconds"], ttl.Errors.Keys);

        var max = await Assert.ThrowsAsync<PeerNetApiException>(async () =>
        {
            await foreach (var _ in client.Topics.FindAsync("chat", max: 0, cancellationToken: Ct))
                Assert.Fail("no member before the 400");
        });
        Assert.Equal(["max"], max.Errors.Keys);

        await client.Topics.JoinAsync("full", ["udp://a", "udp://b", "udp://c"], cancellationToken: Ct);
        var full = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Topics.JoinAsync("full", ["udp://d"], cancellationToken: Ct));
        Assert.Equal(ProblemKind.Conflict, full.Kind);
    }

    [Fact]
    public async Task AMembershipRenewsAtHalfItsTtl_AndLeavesWhenDisposed()
    {
        using var client = new PeerNetClient(_hosts[0].BaseAddress);

        var membership = await client.Topics.StayJoinedAsync("chat", ["tcp://127.0.0.1:9"], TimeSpan.FromSeconds(2), Ct);
        await using (membership)
        {
            await _cluster.UntilAsync(() => membership.Renewals >= 1, "the membership renewed itself");
            Assert.Single(await client.Topics.ListAsync(Ct));
        }

        Assert.Empty(await client.Topics.ListAsync(Ct));
    }
}
