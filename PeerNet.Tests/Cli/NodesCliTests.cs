using PeerNet.Cli;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cli;

/// <summary><c>peernet node</c>, <c>nodes add|list|remove</c> and <c>stats</c> in-process against a real host.</summary>
public sealed class NodesCliTests : IAsyncLifetime
{
    private readonly TestCluster _cluster = new();
    private TestNode _host = null!;

    public async ValueTask InitializeAsync() => _host = await _cluster.StartAsync();

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private string Url => _host.BaseAddress.ToString();

    [Fact]
    public async Task NodesAdd_List_Remove_AsTextAndJson()
    {
        var added = await CliRun.RunAsync(["nodes", "add", "ws://127.0.0.1:4001/peer", "ws://127.0.0.2:4002/peer", "--url", Url]);
        Assert.Equal((ExitCodes.Ok, "saved 2 new"), (added.ExitCode, added.Out.Trim()));

        var listed = await CliRun.RunAsync(["nodes", "list", "--url", Url]);
        Assert.Equal(ExitCodes.Ok, listed.ExitCode);
        Assert.Equal(["ws://127.0.0.1:4001/peer", "ws://127.0.0.2:4002/peer"], listed.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());

        var json = await CliRun.RunAsync(["nodes", "list", "--json", "--max", "1", "--url", Url]);
        Assert.Matches("""^\{"address":"ws://127\.0\.0\.\d:400\d/peer"\}$""", json.Out.Trim());

        var removed = await CliRun.RunAsync(["nodes", "remove", "ws://127.0.0.1:4001/peer", "--url", Url, "--json"]);
        Assert.Equal("""{"removed":1}""", removed.Out.Trim());
        Assert.Equal("ws://127.0.0.2:4002/peer", (await CliRun.RunAsync(["nodes", "list", "--url", Url])).Out.Trim());
    }

    [Fact]
    public async Task AnInvalidAddress_ExitsWith1_NamingTheField()
    {
        var run = await CliRun.RunAsync(["nodes", "add", "ftp://nope", "--url", Url]);

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Contains("400 Invalid addresses", run.Error);
        Assert.Contains("addresses[0]:", run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Node_ShowsTheHostsId_AndTheUrlComesFromPeerNetUrl()
    {
        var run = await CliRun.RunAsync(["node"], new Dictionary<string, string> { ["PEERNET_URL"] = Url });

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains($"id          {_host.Node.Id}", run.Out);
    }

    [Fact]
    public async Task Stats_OfAnUnknownAddress_Exits1WithTheNodesDetail()
    {
        var run = await CliRun.RunAsync(["stats", "ws://127.0.0.9:4000/peer", "--url", Url]);

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Contains("404 Unknown address", run.Error);
    }

    [Fact]
    public async Task AWriteWithoutTheKey_Exits1_AndTheKeyComesFromPeerNetApiKey()
    {
        var keyed = await _cluster.StartAsync(TestNodeOptions.With(("PeerNet:ApiKey", "cli-key-0123456789")));
        string[] add = ["nodes", "add", "ws://127.0.0.1:4001/peer", "--url", keyed.BaseAddress.ToString()];

        var refused = await CliRun.RunAsync(add);
        Assert.Equal(ExitCodes.ApiError, refused.ExitCode);
        Assert.Contains("401 Unauthorized", refused.Error);

        var allowed = await CliRun.RunAsync(add, new Dictionary<string, string> { ["PEERNET_API_KEY"] = "cli-key-0123456789" });
        Assert.Equal(ExitCodes.Ok, allowed.ExitCode);
    }
}
