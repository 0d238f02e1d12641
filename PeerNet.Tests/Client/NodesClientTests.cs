using PeerNet.Client;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Client;

/// <summary>The nodes group of the client (save, list, page, remove, sample, stats) against a real host with an API key.</summary>
public sealed class NodesClientTests : IAsyncLifetime
{
    private const string Key = "nodes-client-key-0123456789";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TestCluster _cluster = new();
    private TestNode _host = null!;

    public async ValueTask InitializeAsync() => _host = await _cluster.StartAsync(TestNodeOptions.With(("PeerNet:ApiKey", Key)));

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    // Never dialled: the host runs without bootstrap.
    private static string[] Addresses(int n) => [.. Enumerable.Range(1, n).Select(i => $"ws://127.0.0.{i}:4000/peer")];

    [Fact]
    public async Task SavedAddresses_AreListedPageByPage_AndRemoved()
    {
        using var client = new PeerNetClient(_host.BaseAddress, Key);

        Assert.Equal(5, await client.Nodes.SaveAsync(Addresses(5), Ct));
        Assert.Equal(0, await client.Nodes.SaveAsync(Addresses(2), Ct)); // known already

        var first = await client.Nodes.ListAsync(limit: 2, cancellationToken: Ct);
        Assert.Equal(2, first.Items.Count);
        Assert.NotNull(first.Next);
        var all = new List<string>();
        await foreach (var address in client.Nodes.ListAllAsync(pageSize: 2, Ct))
            all.Add(address);
        Assert.Equal(Addresses(5).Order(), all.Order());

        Assert.Equal(2, await client.Nodes.RemoveAsync(Addresses(2), Ct));
        Assert.Equal(3, (await client.Nodes.ListAsync(cancellationToken: Ct)).Items.Count);
        Assert.Empty(await client.Nodes.SampleAsync(3, Ct)); // none verified: never dialled
    }

    [Fact]
    public async Task ABatchWithAnInvalidAddress_IsA400NamingIt_AndNothingIsSaved()
    {
        using var client = new PeerNetClient(_host.BaseAddress, Key);

        var error = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Nodes.SaveAsync(["ws://127.0.0.1:4000/peer", "ftp://nope"], Ct));

        Assert.Equal(ProblemKind.BadRequest, error.Kind);
        Assert.Equal(["addresses[1]"], error.Errors.Keys);
        Assert.Equal("Invalid addresses", error.Title);
        Assert.Empty((await client.Nodes.ListAsync(cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task AWriteWithoutTheKey_IsA401_AndReadsNeedNone()
    {
        using var client = new PeerNetClient(_host.BaseAddress);

        var error = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Nodes.SaveAsync(Addresses(1), Ct));
        Assert.Equal(ProblemKind.Unauthorized, error.Kind);
        Assert.Contains("X-Api-Key", error.Detail);
        Assert.Empty((await client.Nodes.ListAsync(cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task Stats_OfAKnownAddress_AreZero_AndOfAnUnknownOne_AreA404()
    {
        using var client = new PeerNetClient(_host.BaseAddress, Key);
        await client.Nodes.SaveAsync(Addresses(1), Ct);

        var stats = await client.Nodes.GetStatsAsync(Addresses(1)[0], Ct);
        Assert.Equal(Addresses(1)[0], stats.Address);
        Assert.Equal(0, stats.Connections.Ok);

        var error = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Nodes.GetStatsAsync("ws://127.0.0.9:4000/peer", Ct));
        Assert.Equal(ProblemKind.NotFound, error.Kind);
        Assert.Equal("Unknown address", error.Title);
    }

    [Fact]
    public async Task ABadLimit_IsA400NamingLimit()
    {
        using var client = new PeerNetClient(_host.BaseAddress);

        var error = await Assert.ThrowsAsync<PeerNetApiException>(() => client.Nodes.ListAsync(limit: 0, cancellationToken: Ct));

        Assert.Equal(["limit"], error.Errors.Keys);
    }

    [Fact]
    public async Task OverTheWriteRate_IsA429WithRetryAfter()
    {
        var limited = await _cluster.StartAsync(TestNodeOptions.With(("PeerNet:ApiKey", Key), ("RateLimits:WritesPerSecond", "1"), ("RateLimits:WriteBurst", "1")));
        using var client = new PeerNetClient(limited.BaseAddress, Key);

        PeerNetApiException? error = null;
        for (var i = 0; i < 20 && error is null; i++)
        {
            try
            {
                await client.Nodes.SaveAsync(Addresses(1), Ct);
            }
            catch (PeerNetApiException ex)
            {
                error = ex;
            }
        }

        Assert.NotNull(error);
        Assert.Equal(ProblemKind.TooManyRequests, error.Kind);
        Assert.NotNull(error.RetryAfter);
    }
}
