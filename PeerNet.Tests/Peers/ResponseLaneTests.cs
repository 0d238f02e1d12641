using Google.Protobuf;
using PeerNet.Gossip;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Gossip.Announcing;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Peers;

/// <summary>
/// The response lane of a send queue (threat H6): a flood of requests forwarded to a slow peer fills its queue only
/// up to the request room, so an honest reply relayed to that peer still gets in.
/// </summary>
public sealed class ResponseLaneTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly MemoryNet _net = new();
    private MemoryNode? _node;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
            await _node.Get<GossipEngine>().StopAsync(CancellationToken.None);
        await _net.DisposeAsync();
    }

    private static NodeId IdOf(byte b) => NodeId.Read(Enumerable.Repeat(b, 16).ToArray());

    [Fact]
    public async Task AFloodForwardedToASlowPeer_LeavesRoomForAReplyRelayedToIt()
    {
        // Budgets out of the way: the flood must reach the send queues.
        var b = _node = await _net.AddAsync("tcp://b:1", o =>
        {
            o.Bootstrap = false;
            o.Interval = 0;
            o.Purge = 0;
            o.SendQueueCapacity = 64;
            AnnounceScaleTests.Unlimited(o);
        });
        await b.Get<GossipEngine>().StartAsync(CancellationToken.None);
        await using var announcer = _net.Raw(b, id: IdOf(0xa1)); // asks, then stops reading
        await using var flooder = _net.Raw(b, id: IdOf(0x77));
        await using var answerer = _net.Raw(b, id: IdOf(0xc1));
        await announcer.HandshakeAsync();
        await flooder.HandshakeAsync();
        await answerer.HandshakeAsync();
        await Wait.UntilAsync(() => b.Network.Count == 3, Patience, "three peers");
        using var received = b.Services.Collect("peernet.announces.received");
        using var dropped = b.Services.Collect("peernet.messages.dropped");
        using var relayed = b.Services.Collect("peernet.responses.relayed");
        using var responsesDropped = b.Services.Collect("peernet.responses.dropped");

        var question = ByteString.CopyFromUtf8("question");
        await announcer.SendAsync(new Message { Request = new Announce { Id = question, Hops = 0, Type = ByteString.CopyFromUtf8("q") } });
        await Wait.UntilAsync(() => received.Sum() == 1, Patience, "B has the question");

        // The flood B forwards to the announcer (which reads nothing) fills its pipe (64 KiB: the writer then waits for
        // ever), then its queue up to the request room; the rest is dropped. In parts, as the router outpaces the writer.
        var slow = b.Network.Peers.Single(p => p.RemoteId == IdOf(0xa1));
        var before = slow.Counters.FramesSent + slow.Counters.SendsDropped;
        long Queued(long junk) => before + junk - slow.Counters.FramesSent - slow.Counters.SendsDropped;
        const int part = 5_000;
        long sent = 0;
        for (var round = 0; round < 20 && !(slow.Counters.BytesSent >= 64 * 1024 && Queued(sent) >= 48); round++)
        {
            var frames = new MemoryStream();
            for (var i = 0; i < part; i++)
                frames.Write(FrameWriter.ToFrame(new Message { Request = new Announce { Id = ByteString.CopyFrom(BitConverter.GetBytes(sent + i)), Hops = 0, Type = ByteString.CopyFromUtf8("junk") } }));
            await flooder.SendAsync(frames.ToArray());
            sent += part;
            var expected = sent;
            await Wait.UntilAsync(() => received.Sum() - 1 + dropped.Sum("reason", "router_queue_peer_quota") == expected, Patience, "B took the part in");
        }
        Assert.True(slow.Counters.BytesSent >= 64 * 1024, "the slow peer's pipe is full");
        Assert.True(Queued(sent) >= 48, $"its queue holds {Queued(sent)} forwarded requests");
        Assert.True(dropped.Sum("reason", "send_queue_full") > 0, "forwards to the slow peers were dropped");

        // The answer comes back through B toward the announcer, whose queue is full of junk requests.
        await answerer.SendAsync(new Message { Response = new Announce { Id = ByteString.CopyFromUtf8("answer-1"), Reply = question, Hops = 0, Type = ByteString.CopyFromUtf8("q"), Data = ByteString.CopyFromUtf8("42") } });
        await Wait.UntilAsync(() => relayed.Sum() + responsesDropped.Sum() == 1, Patience, "B routed the answer");
        Assert.Equal(1, relayed.Sum());
        Assert.Equal(0, responsesDropped.Sum());

        // The announcer reads again and finds the answer behind the junk.
        Message? message;
        do
            message = await announcer.ReadAsync(Patience);
        while (message is not null && !(message.KindCase == Message.KindOneofCase.Response && message.Response.Reply == question));
        Assert.NotNull(message);
        Assert.Equal(question, message.Response.Reply);
        Assert.Equal("42", message.Response.Data.ToStringUtf8());
    }
}
