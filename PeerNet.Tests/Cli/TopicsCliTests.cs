using System.Diagnostics;
using System.Text.Json;
using PeerNet.Cli;
using PeerNet.Client;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cli;

/// <summary><c>peernet topics join|leave|list|find</c> on real hosts on loopback.</summary>
public sealed class TopicsCliTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task SidecarsOnThreeHostsJoinChat_FindOnAFourthPrintsAllThree_AndReturnsLongBeforeItsTimeout()
    {
        // A line of five hosts: the finder at one end, members further along.
        var hosts = await _cluster.StartAsync(5, _ => TestNodeOptions.With(("PeerNet:Interval", "0")));
        for (var i = 1; i < hosts.Count; i++)
            await hosts[i].Node.ConnectAsync(hosts[i - 1].PeerAddress, Ct);
        await _cluster.UntilAsync(() => hosts.Sum(h => h.Node.ConnectionCount) == 2 * 4, "the line is up");
        int[] members = [2, 3, 4];
        foreach (var i in members)
        {
            using var sidecar = new PeerNetClient(hosts[i].BaseAddress);
            await sidecar.Topics.JoinAsync("chat", [$"tcp://127.0.0.{i}:7000"], cancellationToken: Ct);
        }

        var watch = Stopwatch.StartNew();
        var find = await CliRun.RunAsync(["topics", "find", "chat", "--max", "3", "--timeout", "60s", "--url", hosts[0].BaseAddress.ToString()]);
        watch.Stop();

        Assert.Equal(ExitCodes.Ok, find.ExitCode);
        var lines = find.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(members.Select(i => $"tcp://127.0.0.{i}:7000 {hosts[i].Node.Id}").Order(), lines.Select(l => l[..l.LastIndexOf(' ')]).Order());
        Assert.All(lines, l => Assert.EndsWith("s", l)); // the age
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"find returned with the third member ({watch.Elapsed}), not at its 60 s timeout");

        var json = await CliRun.RunAsync(["topics", "find", "chat", "--max", "3", "--timeout", "60s", "--json", "--url", hosts[1].BaseAddress.ToString()]);
        var items = json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(members.Select(i => hosts[i].Node.Id).Order(), items.Select(e => e.GetProperty("nodeId").GetString()).Order());
    }

    [Fact]
    public async Task JoinListLeave_AndABadTtlExits1NamingTheField()
    {
        var host = await _cluster.StartAsync(TestNodeOptions.With(("PeerNet:Interval", "0")));
        var url = host.BaseAddress.ToString();

        var join = await CliRun.RunAsync(["topics", "join", "chat", "tcp://127.0.0.1:7000", "tcp://127.0.0.1:7001", "--ttl", "60", "--url", url]);
        Assert.Equal(ExitCodes.Ok, join.ExitCode);
        Assert.StartsWith("joined chat: 2 added, 0 renewed, expires ", join.Out.Trim());
        var list = await CliRun.RunAsync(["topics", "list", "--url", url]);
        Assert.Equal(["chat tcp://127.0.0.1:7000", "chat tcp://127.0.0.1:7001"],
            list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(' ', l.Split(' ').Take(2))).Order());
        var leave = await CliRun.RunAsync(["topics", "leave", "chat", "tcp://127.0.0.1:7000", "--url", url]);
        Assert.Equal((ExitCodes.Ok, "removed 1"), (leave.ExitCode, leave.Out.Trim()));

        var bad = await CliRun.RunAsync(["topics", "join", "chat", "tcp://127.0.0.1:7000", "--ttl", "5000", "--url", url]);
        Assert.Equal(ExitCodes.ApiError, bad.ExitCode);
        Assert.Contains("ttlSeconds:", bad.Error);

        var none = await CliRun.RunAsync(["topics", "find", "nobody", "--timeout", "200ms", "--url", url]);
        Assert.Equal((ExitCodes.Ok, ""), (none.ExitCode, none.Out));
        Assert.Contains("no members found", none.Error);
    }

    [Fact]
    public async Task JoinWithRenew_KeepsTheMemberPastItsTtl_AndLeavesOnInterrupt()
    {
        var host = await _cluster.StartAsync(TestNodeOptions.With(("PeerNet:Interval", "0")));
        using var client = new PeerNetClient(host.BaseAddress);

        await using var join = CliRun.Start(["topics", "join", "chat", "tcp://127.0.0.1:7000", "--ttl", "2", "--renew", "--url", host.BaseAddress.ToString()]);
        await _cluster.UntilAsync(async () => (await client.Topics.ListAsync(Ct)).Count == 1, "joined");
        var first = (await client.Topics.ListAsync(Ct))[0].Members[0].ExpiresAt;
        await _cluster.UntilAsync(async () => (await client.Topics.ListAsync(Ct))[0].Members[0].ExpiresAt > first, "renewed before its ttl passed");

        Assert.Equal(ExitCodes.Ok, await join.StopAsync());
        Assert.Empty(await client.Topics.ListAsync(Ct));
        Assert.Contains("left chat", join.Error.ToString());
    }
}
