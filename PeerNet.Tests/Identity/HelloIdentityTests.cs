using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Identity;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Identity;

/// <summary>
/// Hello version 2 on real hosts over loopback: PeerNet hosts prove their ids to each other; original-style peers are
/// admitted unverified; replays, ids that are not their key's, bad signatures are refused; a verified peer beats an
/// unverified one claiming its id.
/// </summary>
public sealed class HelloIdentityTests
{
    private static readonly TimeSpan Patience = TestCluster.Patience;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<JsonElement>> ConnectionsAsync(TestNode node) =>
        (await node.Client.GetFromJsonAsync<JsonElement>("/api/connections", Ct)).EnumerateArray().ToList();

    private static async Task ConnectAsync(TestNode from, TestNode to)
    {
        var response = await from.Client.PostAsJsonAsync("/api/connections", new { address = to.PeerAddress }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The host refused the peer for its proof: it closed the connection, counted an unverified handshake, lists nobody new.</summary>
    private static async Task AssertRefusedAsync(TestNode host, ScriptedPeer peer, Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> handshakes, int listed = 0)
    {
        Assert.True(await peer.ClosedWithinAsync(Patience), "the host closes the connection");
        await Wait.UntilAsync(() => handshakes.Sum("reason", "unverified") == 1, Patience, "one handshake failed as unverified");
        Assert.Equal(listed, host.Node.Connections().Count);
    }

    [Fact]
    public async Task TwoHosts_BothSeeTheOtherVerified_UnderTheIdOfItsKey()
    {
        await using var cluster = new TestCluster();
        var (a, b) = (await cluster.StartAsync(), await cluster.StartAsync());
        await ConnectAsync(b, a);
        await Wait.UntilAsync(() => a.Node.Connections().Count == 1, Patience, "a lists b");

        var fromB = Assert.Single(await ConnectionsAsync(b));
        var fromA = Assert.Single(await ConnectionsAsync(a));
        Assert.True(fromB.GetProperty("verified").GetBoolean());
        Assert.True(fromA.GetProperty("verified").GetBoolean());
        Assert.Equal(a.Node.Id, fromB.GetProperty("peerId").GetString());
        var peerOfB = Assert.Single(b.Services.GetRequiredService<PeerNet.Peers.PeerNetwork>().Peers);
        Assert.Equal(a.Services.GetRequiredService<NodeIdentity>().Key.PublicKey.ToArray(), peerOfB.PublicKey!.Value.ToArray());
        Assert.True(Assert.Single(b.Node.Connections()).IsVerified);
    }

    [Fact]
    public async Task OriginalStylePeer_With16ByteHello_IsAdmittedUnverified()
    {
        await using var cluster = new TestCluster();
        var host = await cluster.StartAsync();
        await using var original = await IdentityPeer.WebSocketAsync(host);
        await original.HandshakeAsync();
        await Wait.UntilAsync(() => host.Node.Connections().Count == 1, Patience, "handshaken");

        var item = Assert.Single(await ConnectionsAsync(host));
        Assert.False(item.GetProperty("verified").GetBoolean());
        Assert.False(item.GetProperty("peerNet").GetBoolean());
        Assert.Equal(ScriptedPeer.Id.ToString(), item.GetProperty("peerId").GetString());
    }

    [Fact]
    public async Task HostsHello_CarriesItsKeyAndAFreshChallenge_AndItsAnswerSignsOurs()
    {
        await using var cluster = new TestCluster();
        var host = await cluster.StartAsync(new TestNodeOptions { Tcp = true });
        using var key = NodeKey.Create();
        var challenges = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            await using var peer = await IdentityPeer.TcpAsync(host);
            var hello = await IdentityPeer.ReadHelloAsync(peer);
            var hostKey = hello.Data.Span.Slice(HelloProof.IdentityOffset, NodeKey.PublicKeyLength).ToArray();
            Assert.Equal(host.Node.Id, NodeKey.IdOf(hostKey).ToString());
            challenges.Add(IdentityPeer.ChallengeOf(hello).ToArray());
            var ours = HelloProof.NewChallenge();
            await IdentityPeer.HandshakeAsync(peer, key, hello, ours);
            var answer = await peer.ReadTypeAsync("_hello");
            Assert.Equal(Message.KindOneofCase.Response, answer!.KindCase);
            Assert.Equal(HelloProof.ResponseLength, answer.Response.Data.Length);
            Assert.True(HelloProof.Verify(hostKey, answer.Response.Data.Span[HelloProof.IdentityOffset..], ours, challenges[^1]));
            await Wait.UntilAsync(() => host.Node.Connections().Any(c => c.PeerId == key.Id.ToString() && c.IsVerified), Patience, "the peer is verified");
            await host.Services.GetRequiredService<PeerNet.Peers.PeerNetwork>().DisconnectAsync(key.Id);
            await Wait.UntilAsync(() => host.Node.Connections().Count == 0, Patience, "disconnected");
        }
        Assert.NotEqual(challenges[0], challenges[1]);
    }

    [Fact]
    public async Task ReplayedHello_CapturedFromARealConnection_IsRefused()
    {
        await using var cluster = new TestCluster();
        var victim = await cluster.StartAsync(new TestNodeOptions { Tcp = true });
        var target = await cluster.StartAsync(new TestNodeOptions { Tcp = true });

        // Capture the victim's _hello request and its signed answer on a connection of our own.
        using var ours = NodeKey.Create();
        Announce capturedRequest, capturedAnswer;
        await using (var spy = await IdentityPeer.TcpAsync(victim))
        {
            capturedRequest = await IdentityPeer.ReadHelloAsync(spy);
            await IdentityPeer.HandshakeAsync(spy, ours, capturedRequest);
            capturedAnswer = (await spy.ReadTypeAsync("_hello"))!.Response;
        }

        using var handshakes = target.Services.Collect("peernet.handshakes");
        await using var replay = await IdentityPeer.TcpAsync(target);
        var targetHello = await IdentityPeer.ReadHelloAsync(replay);
        await replay.SendAsync(new Message { Request = capturedRequest });
        await replay.SendAsync(IdentityPeer.Answer(targetHello, capturedAnswer.Data)); // signed over another challenge
        await AssertRefusedAsync(target, replay, handshakes);
    }

    [Fact]
    public async Task HelloWhoseIdIsNotItsKeysHash_IsRefused()
    {
        await using var cluster = new TestCluster();
        var host = await cluster.StartAsync(new TestNodeOptions { Tcp = true });
        using var key = NodeKey.Create();
        using var handshakes = host.Services.Collect("peernet.handshakes");
        await using var peer = await IdentityPeer.TcpAsync(host);
        var hello = await IdentityPeer.ReadHelloAsync(peer);
        var request = HelloProof.Request(ByteString.CopyFromUtf8("h"), key, IdentityPeer.Extension, HelloProof.NewChallenge()).Request;
        var data = request.Data.ToByteArray();
        data[0] ^= 0xFF; // another id, same key
        request.Data = ByteString.CopyFrom(data);
        await peer.SendAsync(new Message { Request = request });
        await AssertRefusedAsync(host, peer, handshakes);
    }

    [Theory]
    [InlineData("bad signature")]
    [InlineData("no signature")]
    [InlineData("identity flag, no key")]
    public async Task HelloThatCannotProveItsId_IsRefused(string flaw)
    {
        await using var cluster = new TestCluster();
        var host = await cluster.StartAsync(new TestNodeOptions { Tcp = true });
        using var key = NodeKey.Create();
        using var handshakes = host.Services.Collect("peernet.handshakes");
        await using var peer = await IdentityPeer.TcpAsync(host);
        var hello = await IdentityPeer.ReadHelloAsync(peer);
        var request = HelloProof.Request(ByteString.CopyFromUtf8("h"), key, IdentityPeer.Extension, HelloProof.NewChallenge()).Request;
        if (flaw == "identity flag, no key")
            request.Data = ByteString.CopyFrom(request.Data.Span[..HelloProof.IdentityOffset]);
        await peer.SendAsync(new Message { Request = request });
        var answer = new byte[HelloProof.ResponseLength];
        key.Id.Write(answer);
        IdentityPeer.Extension.Write(answer.AsSpan(ProtocolLimits.NodeIdLength));
        Random.Shared.NextBytes(answer.AsSpan(HelloProof.IdentityOffset));
        await peer.SendAsync(IdentityPeer.Answer(hello, flaw == "no signature" ? ByteString.CopyFrom(key.Id.ToArray()) : ByteString.CopyFrom(answer)));
        await AssertRefusedAsync(host, peer, handshakes);
    }

    [Fact]
    public async Task UnverifiedPeer_ClaimingAVerifiedPeersId_IsRefusedWhileTheVerifiedOneHoldsIt()
    {
        await using var cluster = new TestCluster();
        var (host, honest) = (await cluster.StartAsync(), await cluster.StartAsync());
        await ConnectAsync(honest, host);
        await Wait.UntilAsync(() => host.Node.Connections().Count == 1, Patience, "host lists the honest node");

        using var handshakes = host.Services.Collect("peernet.handshakes");
        NodeId.TryParse(honest.Node.Id, out var honestId);
        await using var squatter = await IdentityPeer.WebSocketAsync(host, honestId);
        await squatter.HandshakeAsync();
        Assert.True(await squatter.ClosedWithinAsync(Patience));
        await Wait.UntilAsync(() => handshakes.Sum("reason", "already_connected") == 1, Patience, "refused as already connected");
        var held = Assert.Single(host.Node.Connections());
        Assert.True(held.IsVerified);
        Assert.Equal(honest.Node.Id, held.PeerId);
    }

    [Fact]
    public async Task VerifiedPeer_TakesTheIdFromAnUnverifiedSquatter()
    {
        await using var cluster = new TestCluster();
        var (host, honest) = (await cluster.StartAsync(), await cluster.StartAsync());
        NodeId.TryParse(honest.Node.Id, out var honestId);
        await using var squatter = await IdentityPeer.WebSocketAsync(host, honestId);
        await squatter.HandshakeAsync();
        await Wait.UntilAsync(() => host.Node.Connections().Count == 1, Patience, "the squatter is in");
        Assert.False(Assert.Single(host.Node.Connections()).IsVerified);

        await ConnectAsync(honest, host);
        Assert.True(await squatter.ClosedWithinAsync(Patience), "the squatter's link is closed");
        await Wait.UntilAsync(() => host.Node.Connections() is [{ IsVerified: true }], Patience, "only the verified node holds the id");
        Assert.Equal(honest.Node.Id, Assert.Single(host.Node.Connections()).PeerId);
    }

    [Fact]
    public async Task RequireVerifiedPeers_RefusesOriginalStylePeers_AndAdmitsPeerNetHosts()
    {
        await using var cluster = new TestCluster();
        var strict = await cluster.StartAsync(TestNodeOptions.With(("PeerNet:RequireVerifiedPeers", "true")));
        var other = await cluster.StartAsync();
        using var handshakes = strict.Services.Collect("peernet.handshakes");
        await using (var original = await IdentityPeer.WebSocketAsync(strict))
        {
            await original.HandshakeAsync();
            await AssertRefusedAsync(strict, original, handshakes);
        }
        await ConnectAsync(other, strict);
        await Wait.UntilAsync(() => strict.Node.Connections() is [{ IsVerified: true }], Patience, "the PeerNet host is admitted");
    }
}
