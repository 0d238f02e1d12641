using Google.Protobuf;
using PeerNet.Gossip;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Announcing;

/// <summary>Announces and replies at the byte level, against scripted peers that behave like original nodes.</summary>
public sealed class AnnounceWireTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly MemoryNet _net = new();
    private MemoryNode _node = null!;

    public async ValueTask InitializeAsync()
    {
        _node = await _net.AddAsync("tcp://x:1", o => { o.Bootstrap = false; o.Interval = 0; o.Purge = 0; });
        await _node.Get<GossipEngine>().StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _node.Get<GossipEngine>().StopAsync(CancellationToken.None);
        await _net.DisposeAsync();
    }

    private async Task<ScriptedPeer> OriginalAsync(string idHex)
    {
        var peer = _net.Raw(_node, id: NodeId.Read(Convert.FromHexString(idHex)));
        await peer.HandshakeAsync();
        return peer;
    }

    [Fact]
    public async Task AReplyIsRelayedToTheOriginWithHopsPlusOne_WithoutTheUnknownFieldsItCarried()
    {
        using var relayedCount = _node.Services.Collect("peernet.responses.relayed");
        using var droppedCount = _node.Services.Collect("peernet.responses.dropped");
        await using var origin = await OriginalAsync("0102030405060708090a0b0c0d0e0f10");
        await using var replier = await OriginalAsync("1112131415161718191a1b1c1d1e1f20");
        await Wait.UntilAsync(() => _node.Network.Count == 2, Patience, "both scripted peers are handshaken");

        var requestId = ByteString.CopyFrom([0xaa, 0xbb, 0xcc, 0xdd]);
        await origin.SendAsync(new Message { Request = new Announce { Id = requestId, Hops = 0, Type = ByteString.CopyFromUtf8("search"), Data = ByteString.CopyFromUtf8("q"), Limit = 0 } });

        // The node forwards it to the other original peer with hops 1 (originals always get full copies).
        var forwarded = (await replier.ReadTypeAsync("search"))!.Request;
        Assert.Equal((requestId, 1u, "q"), (forwarded.Id, forwarded.Hops, forwarded.Data.ToStringUtf8()));
        // Byte for byte as the spec lays it out: fields in number order, limit always written on what is forwarded.
        Assert.Equal("170a150a04aabbccdd10012206736561726368" + "2a0171" + "3000", Convert.ToHexStringLower(replier.LastFrame));

        // The reply carries 60 KB in a field PeerNet does not know: skipped, and not passed on.
        var reply = new Message { Response = new Announce { Id = ByteString.CopyFromUtf8("r1"), Hops = 0, Reply = requestId, Type = ByteString.CopyFromUtf8("search"), Data = ByteString.CopyFromUtf8("ok"), Limit = 0 } };
        var unknown = new MemoryStream();
        var output = new CodedOutputStream(unknown);
        output.WriteTag(99, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(new byte[60_000]));
        output.Flush();
        var payload = reply.ToByteArray().Concat(unknown.ToArray()).ToArray();
        var frame = new MemoryStream();
        var prefix = new CodedOutputStream(frame);
        prefix.WriteUInt32((uint)payload.Length);
        prefix.Flush();
        frame.Write(payload);
        await replier.SendAsync(frame.ToArray());

        var relayed = (await origin.ReadTypeAsync("search"))!;
        Assert.Equal("1c121a0a027231" + "1001" + "1a04aabbccdd" + "2206736561726368" + "2a026f6b" + "3000", Convert.ToHexStringLower(origin.LastFrame));
        Assert.Equal(Message.KindOneofCase.Response, relayed.KindCase);
        Assert.Equal((ByteString.CopyFromUtf8("r1"), requestId, 1u, "ok"), (relayed.Response.Id, relayed.Response.Reply, relayed.Response.Hops, relayed.Response.Data.ToStringUtf8()));
        Assert.True(relayed.CalculateSize() < 100, $"the relayed response is {relayed.CalculateSize()} bytes");

        // The original sends its relays twice (hops and hops + 1, same id): the second is a duplicate, dropped.
        await replier.SendAsync(FrameWriter.ToFrame(reply));
        await replier.SendAsync(FrameWriter.ToFrame(new Message { Response = new Announce { Id = ByteString.CopyFromUtf8("r1"), Hops = 1, Reply = requestId, Type = ByteString.CopyFromUtf8("search"), Data = ByteString.CopyFromUtf8("ok") } }));
        await Wait.UntilAsync(() => droppedCount.Sum("reason", "duplicate") >= 2, Patience, "both duplicates are dropped");
        Assert.Equal(1, relayedCount.Sum());
    }

    [Fact]
    public async Task OwnAnnouncesToAPeerThatStoppedReading_WaitBoundedly_ThenAreDroppedAndCounted()
    {
        var node = await _net.AddAsync("tcp://small-queue:1", o => { o.Bootstrap = false; o.Interval = 0; o.Purge = 0; o.SendQueueCapacity = 4; });
        var engine = node.Get<GossipEngine>();
        using var ownDrops = node.Services.Collect("peernet.messages.dropped");
        await engine.StartAsync(CancellationToken.None);
        try
        {
            await using var stuck = _net.Raw(node, id: NodeId.Read(Convert.FromHexString("3132333435363738393a3b3c3d3e3f40")));
            await stuck.HandshakeAsync(); // and never reads again
            await Wait.UntilAsync(() => node.Network.Count == 1, Patience, "handshaken");
            var payload = new byte[1000];
            for (var i = 0; i < 1000 && ownDrops.Sum("reason", "own_send_overflow") == 0; i++)
            {
                await foreach (var _ in node.Node.AnnounceAsync(new PeerNet.Gossip.Announcing.AnnounceMessage { Type = "big"u8.ToArray(), Data = payload }, TimeSpan.FromMilliseconds(1), TestContext.Current.CancellationToken))
                {
                }
            }
            // The pipe (64 KiB), the send queue and 256 parked sends filled up; then own frames were dropped, not piled up.
            await Wait.UntilAsync(() => ownDrops.Sum("reason", "own_send_overflow") > 0, Patience, "own sends beyond the bound are dropped");
            Assert.Equal(1, node.Network.Count);
        }
        finally
        {
            await engine.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ResponsesWithoutAReplyOrWithAnUnknownOne_AreDroppedAndCounted()
    {
        using var dropped = _node.Services.Collect("peernet.responses.dropped");
        using var relayed = _node.Services.Collect("peernet.responses.relayed");
        await using var peer = await OriginalAsync("2122232425262728292a2b2c2d2e2f30");
        await Wait.UntilAsync(() => _node.Network.Count == 1, Patience, "handshaken");
        await peer.SendAsync(FrameWriter.ToFrame(new Message { Response = new Announce { Id = ByteString.CopyFromUtf8("s1"), Hops = 0, Data = ByteString.CopyFromUtf8("bare string reply") } }));
        await peer.SendAsync(FrameWriter.ToFrame(new Message { Response = new Announce { Id = ByteString.CopyFromUtf8("s2"), Hops = 0, Reply = ByteString.CopyFromUtf8("nobody"), Data = ByteString.CopyFromUtf8("x") } }));
        await Wait.UntilAsync(() => dropped.Sum() == 2, Patience, "both are dropped");
        Assert.Equal((1, 1), (dropped.Sum("reason", "no_reply"), dropped.Sum("reason", "no_route")));
        Assert.Equal(0, relayed.Sum());
        Assert.Equal(1, _node.Network.Count);
    }
}
