using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Peers;

/// <summary>Threat L2: control frames are judged before they are parsed.</summary>
public sealed class ControlFrameInputTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    /// <summary>A control frame of one-byte ids, about <paramref name="bytes"/> long: parsed, each id is an object.</summary>
    private static byte[] ControlFrameOf(int bytes)
    {
        var control = new Control();
        for (var i = 0; control.CalculateSize() < bytes; i++)
            control.Ihave.Add(ByteString.CopyFrom([(byte)i]));
        return FrameWriter.ToFrame(new Message { Control = control });
    }

    private static Message PeerNetHello(ScriptedPeer peer)
    {
        var data = new byte[ProtocolLimits.NodeIdLength + HelloExtension.Length];
        peer.NodeId.ToArray().CopyTo(data, 0);
        new HelloExtension(HelloExtension.CurrentVersion, HelloFeatures.ControlFrames).Write(data.AsSpan(ProtocolLimits.NodeIdLength));
        return new Message { Request = new Announce { Id = ByteString.CopyFromUtf8("hello-1"), Hops = 0, Type = MessageTypes.Hello, Data = ByteString.CopyFrom(data), Limit = 1 } };
    }

    [Fact]
    public async Task FromAPeerThatMayNotSendThem_AreIgnoredUnparsed_AndTheConnectionLives()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.Interval = 0; o.HandshakeTimeout = 30_000; }); // a loaded machine must not time the handshake out
        await using var original = _net.Raw(a);
        var ourHello = await original.ReadAsync();

        await original.SendAsync(ControlFrameOf(20_000)); // before the handshake, from an original node
        await original.SendOriginalHelloAsync();
        await original.AnswerHelloAsync(ourHello!);
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "the handshake completes after the frame");
        await original.SendAsync(ControlFrameOf(20_000)); // handshaken, but an original never sends them

        var peer = a.Network.Peers[0];
        await Wait.UntilAsync(() => peer.Counters.MessagesIgnored == 2, Patience, "both frames ignored");
        Assert.Equal(0, peer.Counters.MessagesDiscarded);
        Assert.False(peer.IsClosed);
    }

    [Fact]
    public async Task LargerThanAnyValidOne_AreDiscardedUnparsed_AndTheConnectionLives()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.Interval = 0; o.HandshakeTimeout = 30_000; }); // a loaded machine must not time the handshake out
        await using var peerNet = _net.Raw(a);
        var ourHello = await peerNet.ReadAsync();
        await peerNet.SendAsync(PeerNetHello(peerNet));
        await peerNet.AnswerHelloAsync(ourHello!);
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "the handshake completes");
        var peer = a.Network.Peers[0];
        Assert.True(peer.TakesControlFrames);
        using var dropped = a.Services.Collect("peernet.messages.dropped");
        var framesBefore = peer.Counters.FramesReceived;

        await peerNet.SendAsync(ControlFrameOf(ControlFrameValidator.MaxFrameBytes + 1));
        await peerNet.SendAsync(ControlFrameOf(150)); // a small one (50 ids, within the limits) goes to the rule

        await Wait.UntilAsync(() => dropped.Sum("reason", "field_limit") == 1, Patience, "the large frame is discarded and counted");
        await Wait.UntilAsync(() => peer.Counters.FramesReceived == framesBefore + 2, Patience, "both frames read");
        Assert.Equal(1, peer.Counters.MessagesDiscarded); // only the large one
        Assert.Equal(0, peer.Counters.MessagesIgnored);
        Assert.False(peer.IsClosed);
    }

    [Fact]
    public async Task IhavesReadFromPooledBuffers_AreEachPulledByTheirOwnId_AfterLaterFramesReusedTheBuffers()
    {
        // A received control frame is read from a pooled buffer the router hands back once handled: a pull must keep a
        // copy of its id, not a slice of a buffer the next frames overwrite.
        var a = await _net.AddAsync("tcp://a:1", o => { o.Interval = 0; o.HandshakeTimeout = 30_000; o.GraftTimeout = 50; });
        a.Get<PeerNet.Gossip.Announcing.AnnounceRouter>().Start();
        await using var peerNet = _net.Raw(a);
        var ourHello = await peerNet.ReadAsync();
        await peerNet.SendAsync(PeerNetHello(peerNet));
        await peerNet.AnswerHelloAsync(ourHello!);
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "the handshake completes");

        var announced = Enumerable.Range(0, 20).Select(i => Convert.ToHexString(BitConverter.GetBytes(0x1000_0000_0000_0000L + i * 7919L))).ToList();
        foreach (var id in announced)
            await peerNet.SendAsync(new Message { Control = new Control { Ihave = { ByteString.CopyFrom(Convert.FromHexString(id)) } } });

        var grafted = new HashSet<string>();
        while (grafted.Count < announced.Count)
        {
            var frame = await peerNet.ReadAsync(Patience);
            Assert.NotNull(frame); // the node grafts each id it heard of and never got
            if (frame.KindCase == Message.KindOneofCase.Control)
                grafted.UnionWith(frame.Control.Graft.Select(id => Convert.ToHexString(id.Span)));
        }
        Assert.Equal(announced.ToHashSet(), grafted);
    }

    [Fact]
    public async Task AControlFrameHiddenBehindARequestTag_IsAViolation_NotParsedAtSeventySevenTimesItsSize()
    {
        // 0a00 (an empty request) then 32,767 empty control fields: the library keeps the last kind, so this parsed as a
        // control frame the first-byte check never saw, building one message per two bytes (~5 MB for 64 KiB).
        var a = await _net.AddAsync("tcp://a:1", o => { o.Interval = 0; o.HandshakeTimeout = 30_000; });
        await using var peerNet = _net.Raw(a);
        var ourHello = await peerNet.ReadAsync();
        await peerNet.SendAsync(PeerNetHello(peerNet));
        await peerNet.AnswerHelloAsync(ourHello!);
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "the handshake completes");
        using var violations = a.Services.Collect("peernet.protocol.violations");

        byte[] payload = [0x0A, 0x00, .. Enumerable.Repeat<byte[]>([0x1A, 0x00], 32_000).SelectMany(b => b)];
        await peerNet.SendAsync([.. Varint(payload.Length), .. payload]);

        Assert.True(await peerNet.ClosedWithinAsync(Patience));
        Assert.Equal(1, violations.Sum());
    }

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        for (; value >= 0x80; value >>= 7)
            bytes.Add((byte)(value | 0x80));
        bytes.Add((byte)value);
        return bytes.ToArray();
    }
}
