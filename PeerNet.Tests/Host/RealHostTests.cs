using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PeerNet.Host.Hosting;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>A real host on a loopback port, over a database file that outlives it.</summary>
public sealed class RealHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Restart_OverTheSameDatabase_LosesNothing()
    {
        var db = _dir.File("restart.db");
        var addresses = Enumerable.Range(0, 50).Select(i => $"ws://n{i}.example:8080/peer").ToArray();
        string firstId;
        await using (var first = await TestNode.StartAsync(db))
        {
            firstId = first.Node.Id;
            Assert.Equal(HttpStatusCode.OK, (await first.Client.PostAsJsonAsync("/api/nodes", new { addresses }, cancellationToken: TestContext.Current.CancellationToken)).StatusCode);
            var remove = new HttpRequestMessage(HttpMethod.Delete, "/api/nodes") { Content = JsonContent.Create(new { addresses = new[] { addresses[0] } }) };
            Assert.Equal(HttpStatusCode.OK, (await first.Client.SendAsync(remove, TestContext.Current.CancellationToken)).StatusCode);
            first.Node.Store.TryRecord(PeerNet.Addressing.PeerAddress.Parse(addresses[1]), PeerNet.Storage.StatField.ConnectionOk, 3);
        }

        await using var second = await TestNode.StartAsync(db);
        var page = await second.Client.GetFromJsonAsync<JsonElement>("/api/nodes?limit=1000", cancellationToken: TestContext.Current.CancellationToken);
        var listed = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("address").GetString()).ToList();
        Assert.Equal(addresses.Skip(1).Order(), listed.Order());
        var stats = await second.Client.GetFromJsonAsync<JsonElement>("/api/nodes/stats?address=" + Uri.EscapeDataString(addresses[1]), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, stats.GetProperty("connections").GetProperty("ok").GetInt64());
        Assert.Equal(firstId, second.Node.Id); // the key beside the database keeps the node id
    }

    [Fact]
    public async Task AddressSeeds_AreSavedAtEveryStart_EvenAfterARemove_DnsSeedsAreNot()
    {
        var db = _dir.File("seeds.db");
        var settings = new Dictionary<string, string?>
        {
            ["PeerNet:Seeds:0"] = "ws://127.0.0.9:8080/peer",
            ["PeerNet:Seeds:1"] = "ws://seed.example:8080/peer", // resolved at bootstrap rounds (off here), never saved
            ["PeerNet:Seeds:2"] = "srv+ws://_peernet._tcp.seed.example/peer",
        };
        await using (var first = await TestNode.StartAsync(db, settings))
        {
            Assert.Equal(1, first.Node.KnownCount);
            await first.Node.RemoveAsync(["ws://127.0.0.9:8080/peer"], TestContext.Current.CancellationToken);
            Assert.Equal(0, first.Node.KnownCount);
        }

        await using var second = await TestNode.StartAsync(db, settings);
        Assert.Equal(["ws://127.0.0.9:8080/peer"], await second.Node.KnownAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Advertised_AddressesAreShownByNode_ButNeverKnown()
    {
        await using var node = await TestNode.StartAsync(_dir.File("adv.db"), new Dictionary<string, string?>
        {
            ["PeerNet:Advertise:0"] = "WS://127.0.0.9:80/peer",
            ["PeerNet:Seeds:0"] = "ws://127.0.0.9/peer",
        });
        var info = await node.Client.GetFromJsonAsync<JsonElement>("/api/node", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["ws://127.0.0.9/peer"], info.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(0, info.GetProperty("known").GetInt64());
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task DebugOption_TurnsPeerNetCategoriesToDebugInTheSerilogHost(string debug, bool enabled)
    {
        await using var node = await TestNode.StartAsync(_dir.File($"debug-{debug}.db"), new Dictionary<string, string?> { ["PeerNet:Debug"] = debug });
        var loggers = node.Services.GetRequiredService<ILoggerFactory>();
        Assert.Equal(enabled, loggers.CreateLogger("PeerNet.Storage.PeerStore").IsEnabled(LogLevel.Debug));
        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Routing").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public async Task BadOption_StopsTheHostWithAMessageNamingTheKey()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestNode.StartAsync(_dir.File("bad.db"),
            new Dictionary<string, string?> { ["PeerNet:Connections"] = "-1" }));
        Assert.Contains("Connections", ex.Message);
        Assert.False(File.Exists(_dir.File("bad.db"))); // validation runs before the store opens
    }

    [Fact]
    public async Task Run_WithABadOption_ExitsWith1()
    {
        var exit = await PeerNetHost.RunAsync(["--PeerNet:Interval=soon", "--urls=http://127.0.0.1:0", $"--ConnectionStrings:PeerNet=Data Source={_dir.File("run.db")}"]);
        Assert.Equal(1, exit);
    }
}
