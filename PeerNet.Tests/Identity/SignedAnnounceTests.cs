using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Identity;
using PeerNet.Peers;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Identity;

/// <summary>
/// Signed announces and replies on real hosts: a sidecar sees who signed, forwarders keep the signature, and forged
/// ones (tampered, half-signed, someone else's key) are dropped and counted before delivery or forwarding.
/// </summary>
public sealed class SignedAnnounceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TestCluster.Patience;
    private readonly TestCluster _cluster = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private Task<TestNode> StartAsync(bool tcp = false) =>
        _cluster.StartAsync(new TestNodeOptions { Tcp = tcp, Settings = new Dictionary<string, string?> { ["PeerNet:Interval"] = "0", ["PeerNet:Purge"] = "0" } });

    private static async Task ConnectAsync(TestNode from, TestNode to)
    {
        var response = await from.Client.PostAsJsonAsync("/api/connections", new { address = to.PeerAddress }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<SseStream> SubscribeAsync(TestNode node, string type)
    {
        var stream = await SseStream.GetAsync(node.Client, "/api/requests?type=" + type);
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        return _cluster.Track(stream);
    }

    private async Task<SseStream> AnnounceAsync(TestNode node, object body, int? max = null)
    {
        var stream = await SseStream.OpenAsync(node.Client, new HttpRequestMessage(HttpMethod.Post, "/api/announce?timeoutMs=10000" + (max is null ? "" : $"&max={max}"))
        {
            Content = JsonContent.Create(body),
        });
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        return _cluster.Track(stream);
    }

    private static string KeyHex(TestNode node) => Convert.ToHexStringLower(node.Services.GetRequiredService<NodeIdentity>().Key.PublicKey.Span);

    private static string? Text(JsonElement e, string property) => e.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    [Fact]
    public async Task SignedAnnounce_ReachesTheSidecarTwoHopsOn_WithItsSigner_AndASignedReplyComesBackWithItsSigner()
    {
        var (a, b, c) = (await StartAsync(), await StartAsync(), await StartAsync());
        await ConnectAsync(b, a);
        await ConnectAsync(c, b);
        var atB = await SubscribeAsync(b, "chat");
        var atC = await SubscribeAsync(c, "chat");

        var announce = await AnnounceAsync(a, new { type = "chat", data = "hello", sign = true }, max: 1);
        var request = (await atC.NextAsync(Patience))!.Value;
        Assert.Equal(1, request.GetProperty("hops").GetInt32()); // forwarded by b, signature intact
        Assert.Equal(KeyHex(a), Text(request, "signer"));
        Assert.Equal(a.Node.Id, Text(request, "signerId"));
        Assert.Equal(a.Node.Id, Text((await atB.NextAsync(Patience))!.Value, "signerId"));

        var reply = await c.Client.PostAsJsonAsync($"/api/requests/{request.GetProperty("handle").GetString()}/reply", new { data = "hi back", sign = true }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        var answer = Assert.Single(await announce.ToEndAsync(Patience));
        Assert.Equal("hi back", Text(answer, "data"));
        Assert.Equal(KeyHex(c), Text(answer, "signer"));
        Assert.Equal(c.Node.Id, Text(answer, "signerId"));

        // Unsigned ones say nothing about a signer.
        await AnnounceAsync(a, new { type = "chat", data = "plain" });
        var plain = (await atC.NextAsync(Patience))!.Value;
        Assert.Equal("plain", Text(plain, "data"));
        Assert.Null(Text(plain, "signer"));
        Assert.Null(Text(plain, "signerId"));
    }

    [Fact]
    public async Task ForgedRequests_AreDroppedAndCounted_NeitherDeliveredNorForwarded_AndAGoodOneStillPasses()
    {
        var (relay, next) = (await StartAsync(tcp: true), await StartAsync());
        await ConnectAsync(next, relay);
        var atRelay = await SubscribeAsync(relay, "chat");
        var atNext = await SubscribeAsync(next, "chat");
        using var forged = relay.Services.Collect("peernet.announces.forged");
        using var forgedAtNext = next.Services.Collect("peernet.announces.forged");

        await using var peer = await IdentityPeer.TcpAsync(relay);
        await peer.HandshakeAsync();
        await Wait.UntilAsync(() => relay.Node.Connections().Count == 2, Patience, "the scripted peer is in");
        using var key = NodeKey.Create();
        using var other = NodeKey.Create();

        Announce Signed(string id, string data)
        {
            var request = new Announce { Id = ByteString.CopyFromUtf8(id), Hops = 0, Type = ByteString.CopyFromUtf8("chat"), Data = ByteString.CopyFromUtf8(data), Limit = 0 };
            MessageSignature.SignRequest(request, key);
            return request;
        }

        var tampered = Signed("forged-1", "genuine");
        tampered.Data = ByteString.CopyFromUtf8("tampered");
        var halfSigned = Signed("forged-2", "half");
        halfSigned.ClearSigner();
        var stolen = Signed("forged-3", "someone else's key");
        stolen.Signer = UnsafeByteOperations.UnsafeWrap(other.PublicKey);
        foreach (var bad in new[] { tampered, halfSigned, stolen })
            await peer.SendAsync(new Message { Request = bad });
        await peer.SendAsync(new Message { Request = Signed("good-1", "good") });

        // One connection, one router loop: the good one comes after the forged ones, so it arriving first means they never did.
        var first = (await atRelay.NextAsync(Patience))!.Value;
        Assert.Equal(("good", Convert.ToHexStringLower(key.PublicKey.Span), key.Id.ToString()), (Text(first, "data"), Text(first, "signer"), Text(first, "signerId")));
        var forwarded = (await atNext.NextAsync(Patience))!.Value;
        Assert.Equal(("good", key.Id.ToString()), (Text(forwarded, "data"), Text(forwarded, "signerId")));
        Assert.Equal(3, forged.Sum("kind", "request"));
        Assert.Equal(0, forgedAtNext.Sum());
        var scripted = relay.Services.GetRequiredService<PeerNetwork>().Peers.Single(p => !p.IsVerified);
        Assert.Equal(3, scripted.Counters.MessagesDiscarded);
    }

    [Fact]
    public async Task APeerSendingMaxForgeriesPerSession_IsClosed()
    {
        var (host, peer) = await HandshakenPeerAsync();
        await using var _ = peer;
        using var forged = host.Services.Collect("peernet.announces.forged");
        for (var i = 0; i < PeerNetLimits.MaxForgeriesPerSession; i++)
        {
            var request = new Announce { Id = ByteString.CopyFromUtf8($"f{i}"), Hops = 1, Type = ByteString.CopyFromUtf8("chat"), Signer = ByteString.CopyFrom(new byte[32]) };
            await peer.SendAsync(new Message { Request = request });
        }
        Assert.True(await peer.ClosedWithinAsync(Patience), "the host closes the forger's connection");
        Assert.Equal(PeerNetLimits.MaxForgeriesPerSession, forged.Sum());
        Assert.Empty(host.Node.Connections());
    }

    [Fact]
    public async Task SignedResponsesToNoRequest_AreDroppedUnchecked_AndNeverCountAsForgeries()
    {
        // A check costs ~37 µs on the router's loop: responses that answer nothing this node knows are dropped first,
        // so a peer cannot make the node check signatures of junk (nor get closed for junk it did not forge to harm).
        var (host, peer) = await HandshakenPeerAsync();
        await using var _ = peer;
        using var forged = host.Services.Collect("peernet.announces.forged");
        using var dropped = host.Services.Collect("peernet.responses.dropped");
        var junk = PeerNetLimits.MaxForgeriesPerSession * 2;
        for (var i = 0; i < junk; i++)
        {
            var response = new Announce { Id = ByteString.CopyFromUtf8($"j{i}"), Hops = 0, Reply = ByteString.CopyFromUtf8($"nothing-{i}"),
                Type = ByteString.CopyFromUtf8("chat"), Signer = ByteString.CopyFrom(new byte[32]), Signature = ByteString.CopyFrom(new byte[64]) };
            await peer.SendAsync(new Message { Response = response });
        }

        await Wait.UntilAsync(() => dropped.Sum("reason", "no_route") == junk, Patience, "every junk response dropped as unroutable");
        Assert.Equal(0, forged.Sum());
        Assert.Single(host.Node.Connections());
    }

    [Fact]
    public async Task ForgedReply_IsDroppedAndCounted_AGoodSignedReplyArrivesWithItsSigner()
    {
        var (host, peer) = await HandshakenPeerAsync();
        await using var _ = peer;
        using var forged = host.Services.Collect("peernet.announces.forged");
        using var key = NodeKey.Create();

        var announce = await AnnounceAsync(host, new { type = "ask", data = "anyone?" }, max: 1);
        var request = (await peer.ReadTypeAsync("ask"))!.Request;
        Announce Reply(string id, string data)
        {
            var response = new Announce { Id = ByteString.CopyFromUtf8(id), Hops = 0, Reply = request.Id, Type = request.Type, Data = ByteString.CopyFromUtf8(data) };
            MessageSignature.SignResponse(response, key);
            return response;
        }

        var tampered = Reply("r1", "me");
        tampered.Data = ByteString.CopyFromUtf8("not me");
        await peer.SendAsync(new Message { Response = tampered });
        await peer.SendAsync(new Message { Response = Reply("r2", "me, signed") });

        var answer = Assert.Single(await announce.ToEndAsync(Patience));
        Assert.Equal(("me, signed", key.Id.ToString()), (Text(answer, "data"), Text(answer, "signerId")));
        Assert.Equal(1, forged.Sum("kind", "response"));
    }

    /// <summary>A host with a tcp listener and a scripted identity peer handshaken with it.</summary>
    private async Task<(TestNode Host, ScriptedPeer Peer)> HandshakenPeerAsync()
    {
        var host = await StartAsync(tcp: true);
        var peer = await IdentityPeer.TcpAsync(host);
        await peer.HandshakeAsync();
        await Wait.UntilAsync(() => host.Node.Connections().Count == 1, Patience, "handshaken");
        return (host, peer);
    }
}
