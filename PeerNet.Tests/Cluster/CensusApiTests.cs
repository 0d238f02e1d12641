using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Cluster;

/// <summary>The census over REST on real hosts: every PeerNet node and its links, never reaching applications.</summary>
public sealed class CensusApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task ConnectAsync(TestNode from, TestNode to) =>
        Assert.Equal(HttpStatusCode.OK, (await from.Client.PostAsJsonAsync("/api/connections", new { address = to.PeerAddress }, Ct)).StatusCode);

    private static async Task<List<JsonElement>> CensusAsync(TestNode node, int timeoutMs = 1000)
    {
        var answer = await node.Client.GetFromJsonAsync<JsonElement>($"/api/census?timeoutMs={timeoutMs}", Ct);
        return [.. answer.GetProperty("nodes").EnumerateArray()];
    }

    private static string[] Peers(JsonElement node) => [.. node.GetProperty("peers").EnumerateArray().Select(p => p.GetString()!).Order()];

    [Fact]
    public async Task ALineOfFour_CensusFromOneEnd_FindsEveryNodeAndItsLinks_AndNoApplicationSeesIt()
    {
        await using var cluster = new TestCluster();
        var line = await cluster.StartAsync(4, _ => TestNodeOptions.With(("PeerNet:Interval", "0")));
        for (var i = 1; i < line.Count; i++)
            await ConnectAsync(line[i], line[i - 1]);
        await using var sidecar = cluster.Track(await SseStream.GetAsync(line[3].Client, "/api/requests"));

        var nodes = await CensusAsync(line[0]);

        var ids = line.Select(n => n.Node.Id).ToArray();
        Assert.Equal(ids[0], nodes[0].GetProperty("id").GetString()); // this node first
        Assert.Equal(ids.Order(), nodes.Select(n => n.GetProperty("id").GetString()!).Order());
        Assert.All(nodes, n => Assert.Equal(PeerNode.Version, n.GetProperty("version").GetString()));
        Assert.All(nodes, n => Assert.True(n.GetProperty("peerNet").GetBoolean()));
        var byId = nodes.ToDictionary(n => n.GetProperty("id").GetString()!);
        Assert.Equal([ids[1]], Peers(byId[ids[0]]));
        Assert.Equal(new[] { ids[0], ids[2] }.Order(), Peers(byId[ids[1]]));
        Assert.Equal(new[] { ids[1], ids[3] }.Order(), Peers(byId[ids[2]]));
        Assert.Equal([ids[2]], Peers(byId[ids[3]]));

        // The sidecar at the far end is live, and what it gets first is an announce, not the census.
        using (var announce = await line[0].Client.PostAsJsonAsync("/api/announce?timeoutMs=100", new { type = "after", data = "census" }, Ct))
            Assert.True(announce.IsSuccessStatusCode);
        Assert.Equal("after", (await sidecar.NextAsync(TestCluster.Patience))!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ANodeWithCensusOff_DoesNotAnswer_AndAppearsAsAPeerOthersListed()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartAsync();
        var quiet = await cluster.StartAsync(TestNodeOptions.With(("PeerNet:Census", "false")));
        await ConnectAsync(quiet, a);

        var nodes = await CensusAsync(a);
        Assert.Equal(2, nodes.Count);
        var silent = nodes.Single(n => n.GetProperty("id").GetString() == quiet.Node.Id);
        Assert.Equal(JsonValueKind.Null, silent.GetProperty("version").ValueKind);
        Assert.True(silent.GetProperty("peerNet").GetBoolean()); // its hello said PeerNet
        Assert.Equal([a.Node.Id], Peers(silent));

        var off = await quiet.Client.GetAsync("/api/census", Ct);
        Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
    }

    [Fact]
    public async Task WithAnApiKey_ACensusNeedsIt_EveryNodeWouldAnswerIt()
    {
        await using var cluster = new TestCluster();
        var node = await cluster.StartAsync(TestNodeOptions.With(("PeerNet:ApiKey", "k")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Client.GetAsync("/api/census", Ct)).StatusCode);
        using var keyed = new HttpRequestMessage(HttpMethod.Get, "/api/census?timeoutMs=100") { Headers = { { "X-Api-Key", "k" } } };
        Assert.Equal(HttpStatusCode.OK, (await node.Client.SendAsync(keyed, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("/api/census?timeoutMs=50")]
    [InlineData("/api/census?timeoutMs=20000")]
    public async Task ABadTimeoutIs400(string path)
    {
        await using var cluster = new TestCluster();
        var node = await cluster.StartAsync();
        var answer = await node.Client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("timeoutMs", await answer.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task TheReservedTypeCannotBeAnnouncedByApplications()
    {
        await using var cluster = new TestCluster();
        var node = await cluster.StartAsync();
        var answer = await node.Client.PostAsJsonAsync("/api/announce", new { type = "_pn.census" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("_pn.", await answer.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task APeerAskingInALoop_GetsAtMostTheBurstOfAnswers_TheRestCounted()
    {
        await using var net = new MemoryNet();
        var node = await net.AddAsync("tcp://census:1", o => { o.Interval = 0; o.Bootstrap = false; });
        node.Get<PeerNet.Gossip.Announcing.AnnounceRouter>().Start();
        using var answers = node.Services.Collect("peernet.census.answers");
        await using var asker = net.Raw(node);
        await asker.HandshakeAsync();
        await Wait.UntilAsync(() => node.Network.Count == 1, TestCluster.Patience, "handshaken");

        for (var i = 0; i < 10; i++)
        {
            await asker.SendAsync(new Message
            {
                Request = new Announce { Id = ByteString.CopyFrom(BitConverter.GetBytes(1000L + i)), Hops = 0, Limit = 0, Type = MessageTypes.Census, Data = ByteString.CopyFrom(1) },
            });
        }
        await Wait.UntilAsync(() => answers.Sum() == 10, TestCluster.Patience, "every request was handled");
        Assert.InRange(answers.Sum("result", "ok"), 1, PeerNet.Gossip.Census.CensusResponder.AnswerBurst + 1); // +1: a token may refill meanwhile
        Assert.True(answers.Sum("result", "rate_limited") >= 10 - PeerNet.Gossip.Census.CensusResponder.AnswerBurst - 1);

        var first = await asker.ReadTypeAsync("_pn.census");
        Assert.NotNull(first);
        Assert.Equal(node.Identity.Id, PeerNet.Gossip.Census.CensusAnswer.TryDecode(first!.Response.Data.Span)!.Node);
    }
}
