using System.Text;
using Google.Protobuf;
using PeerNet.Gossip;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Announcing;

/// <summary>
/// WebRTC signalling between browser peers crosses .NET nodes as ordinary announces: a <c>signal.webrtc</c> offer in a
/// request's data, the answer in a reply. Two browsers (scripted original-style peers here) at the ends of a line of
/// three nodes: the signals arrive intact over three hops each way, and one past the 1024-byte data limit is dropped at
/// the first node (the original's whole-SDP signals can be that long).
/// </summary>
public sealed class WebRtcSignalRelayTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly ByteString Type = ByteString.CopyFromUtf8("signal.webrtc");
    private readonly MemoryNet _net = new();
    private readonly List<MemoryNode> _line = [];

    public async ValueTask InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            var node = await _net.AddAsync($"tcp://n{i}:1", o => { o.Bootstrap = false; o.Interval = 0; o.Purge = 0; });
            await node.Get<GossipEngine>().StartAsync(CancellationToken.None);
            _line.Add(node);
        }
        await _line[1].ConnectAsync(_line[0], TestContext.Current.CancellationToken);
        await _line[2].ConnectAsync(_line[1], TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _line)
            await node.Get<GossipEngine>().StopAsync(CancellationToken.None);
        await _net.DisposeAsync();
    }

    /// <summary>A signal as the original (simple-peer) sends it, JSON <c>{ type, sdp }</c>, padded to exactly <paramref name="bytes"/> bytes.</summary>
    private static ByteString Signal(string type, int bytes)
    {
        const string sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:eORX\r\na=ice-pwd:r8hla5RoSmkqlevue0wZBr3J\r\n" +
            "a=fingerprint:sha-256 60:F1:D4:7D:93:8A:71:EB:09:E3:A0:9D:44:97:40:5F:3B:6D:82:51:55:F3:B8:06:8A:44:2D:22:8E:A4:30:E9\r\n" +
            "a=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\na=candidate:3227005883 1 udp 2122194687 127.0.0.1 48103 typ host\r\n";
        var json = $$"""{"type":"{{type}}","sdp":"{{sdp.Replace("\r\n", "\\r\\n", StringComparison.Ordinal)}}a=x-pad:"}""";
        var padded = json.Insert(json.Length - 2, new string('p', bytes - Encoding.UTF8.GetByteCount(json)));
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(padded));
        return ByteString.CopyFromUtf8(padded);
    }

    private async Task<(ScriptedPeer Dialler, ScriptedPeer Answerer)> BrowsersAsync()
    {
        var dialler = _net.Raw(_line[0], id: NodeId.Read(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10")));
        var answerer = _net.Raw(_line[2], id: NodeId.Read(Convert.FromHexString("1112131415161718191a1b1c1d1e1f20")));
        await dialler.HandshakeAsync();
        await answerer.HandshakeAsync();
        await Wait.UntilAsync(() => _line[0].Network.Count == 2 && _line[2].Network.Count == 2, Patience, "the browsers are handshaken at both ends");
        return (dialler, answerer);
    }

    [Fact]
    public async Task AnOfferOf1024Bytes_CrossesThreeHops_TheAnswerOf1024BytesComesBack_IntactBothWays()
    {
        var (dialler, answerer) = await BrowsersAsync();
        await using var _ = dialler;
        await using var __ = answerer;

        var offer = new Announce { Id = ByteString.CopyFrom([0xab, 0xcd, 0x00, 0x01]), Hops = 0, Type = Type, Data = Signal("offer", 1024) };
        await dialler.SendAsync(new Message { Request = offer });
        var received = (await answerer.ReadTypeAsync("signal.webrtc", Patience))!.Request;
        Assert.Equal((offer.Id, 3u, offer.Data), (received.Id, received.Hops, received.Data));

        var answer = new Announce { Id = ByteString.CopyFrom([0x5a, 0x5b, 0x5c, 0x5d]), Hops = 0, Reply = offer.Id, Type = Type, Data = Signal("answer", 1024) };
        await answerer.SendAsync(new Message { Response = answer });
        var back = (await dialler.ReadTypeAsync("signal.webrtc", Patience))!;
        Assert.Equal(Message.KindOneofCase.Response, back.KindCase);
        Assert.Equal((answer.Id, offer.Id, 3u, answer.Data), (back.Response.Id, back.Response.Reply, back.Response.Hops, back.Response.Data));
    }

    [Fact]
    public async Task ASignalPastTheDataLimit_IsDroppedAtTheFirstNode_BothWays()
    {
        var (dialler, answerer) = await BrowsersAsync();
        await using var _ = dialler;
        await using var __ = answerer;

        // Frames on one link keep their order: the small offer sent after the long one is the first to arrive.
        await dialler.SendAsync(new Message { Request = new Announce { Id = ByteString.CopyFrom([1, 1, 1, 1]), Hops = 0, Type = Type, Data = Signal("offer", 1025) } });
        var small = new Announce { Id = ByteString.CopyFrom([2, 2, 2, 2]), Hops = 0, Type = Type, Data = Signal("offer", 600) };
        await dialler.SendAsync(new Message { Request = small });
        Assert.Equal(small.Id, (await answerer.ReadTypeAsync("signal.webrtc", Patience))!.Request.Id);

        await answerer.SendAsync(new Message { Response = new Announce { Id = ByteString.CopyFrom([3, 3, 3, 3]), Hops = 0, Reply = small.Id, Type = Type, Data = Signal("answer", 1025) } });
        var fitting = new Announce { Id = ByteString.CopyFrom([4, 4, 4, 4]), Hops = 0, Reply = small.Id, Type = Type, Data = Signal("answer", 700) };
        await answerer.SendAsync(new Message { Response = fitting });
        var back = (await dialler.ReadTypeAsync("signal.webrtc", Patience))!;
        Assert.Equal((fitting.Id, 3u), (back.Response.Id, back.Response.Hops));
    }
}
