using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Addressing;
using PeerNet.Peers;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;
using PeerNet.Transport;

namespace PeerNet.Tests.Cluster;

/// <summary>
/// A REST reply toward a peer that stopped reading waits at most the own-send deadline, then answers a clear 503
/// (not a hang, a 500, or a 404 saying the peer left). Virtual time: the host runs on a FakeTimeProvider.
/// </summary>
public sealed class ReplyDeadlineTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AReplyToAPeerThatStoppedReading_Answers503AtTheOwnSendDeadline()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await TestNode.StartAsync(_dir.File("reply.db"), new Dictionary<string, string?>
        {
            ["PeerNet:SendQueueCapacity"] = "2",
            ["PeerNet:Interval"] = "0",
        }, tcp: true, services: s => s.AddSingleton<TimeProvider>(time));
        await using var sidecar = await SseStream.GetAsync(node.Client, "/api/requests?type=ask");
        Assert.Equal(HttpStatusCode.OK, sidecar.Response.StatusCode);

        await using var stuck = new ScriptedPeer(await new TcpTransport().ConnectAsync(PeerAddress.Parse(node.TcpAddress), Ct));
        await stuck.HandshakeAsync();
        await Wait.UntilAsync(() => node.Node.Connections().Count == 1, Patience, "handshaken");
        await stuck.SendAsync(new Message { Request = new Announce { Id = ByteString.CopyFrom(0xa5), Hops = 0, Type = ByteString.CopyFromUtf8("ask") } });
        var handle = (await sidecar.NextAsync(Patience))!.Value.GetProperty("handle").GetString();

        // The peer reads nothing more: the socket buffers fill, the writer blocks, and the two-slot queue fills behind it.
        using var dropped = node.Services.Collect("peernet.messages.dropped");
        var peer = node.Services.GetRequiredService<PeerNetwork>().Peers[0];
        // Large frames (the node's own writer does not check the receive limit) fill the socket buffers in a few dozen.
        var big = new Message { Request = new Announce { Id = ByteString.CopyFrom(0x0c), Hops = 0, Data = ByteString.CopyFrom(new byte[256 * 1024]) } };
        var (lastSent, still) = (-1L, 0);
        await Wait.UntilAsync(() =>
        {
            var full = !peer.TrySend(big);
            var sent = peer.Counters.FramesSent;
            still = full && sent == lastSent ? still + 1 : 0; // the writer sent nothing for several looks and the queue is full
            lastSent = sent;
            return still >= 15;
        }, Patience, "the writer is blocked and the queue is full");

        var reply = node.Client.PostAsJsonAsync($"/api/requests/{handle}/reply", new { data = "late" }, Ct);
        await Wait.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1)); // past the deadline within a few steps, long before the write deadline (45 s)
            return reply.IsCompleted;
        }, Patience, "the reply gave up");

        var response = await reply;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("took nothing", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        Assert.Equal(1, dropped.Sum("reason", "own_send_timeout"));
        Assert.Single(node.Node.Connections()); // the peer is still connected: it was not a disconnect
    }
}
