using System.Buffers;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Protocol;

/// <summary>The protocol's own messages, byte for byte as the wire spec and the original lay them out.</summary>
public class MessagesTests
{
    private static readonly ByteString Id1 = ByteString.CopyFrom(Convert.FromHexString("0102030405060708"));
    private static readonly ByteString Id2 = ByteString.CopyFrom(Convert.FromHexString("1112131415161718"));
    private static readonly NodeId Node = NodeId.Read(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"));

    private static string Hex(Message message) => Convert.ToHexStringLower(FrameWriter.ToFrame(message));

    private static List<Message> Parse(string hex)
    {
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex));
        var messages = new List<Message>();
        while (FrameReader.TryReadFrame(ref buffer, 65536, out var payload) == FrameStatus.Frame)
            messages.Add(Message.Parser.ParseFrom(payload));
        Assert.True(buffer.IsEmpty);
        return messages;
    }

    [Fact]
    public void HelloRequest_IsIdHopsTypeDataLimit_WithThePeerNetExtensionAfterTheNodeId()
    {
        var hello = Messages.HelloRequest(Id1, Node, new HelloExtension(1, HelloFeatures.None));
        Assert.Equal(
            "2e" + "0a2c" + "0a080102030405060708" + "1000" + "22065f68656c6c6f" + "2a14000102030405060708090a0b0c0d0e0f" + "504e0100" + "3001",
            Hex(hello));
    }

    [Fact]
    public void HelloResponse_CarriesReplyAndNodeId_AndNoLimit()
    {
        Assert.Equal(
            "32" + "1230" + "0a081112131415161718" + "1000" + "1a080102030405060708" + "22065f68656c6c6f" + "2a10000102030405060708090a0b0c0d0e0f",
            Hex(Messages.HelloResponse(Id2, Id1, Node)));
    }

    [Fact]
    public void AddrsRequest_AsksForSizeInJson()
    {
        Assert.Equal(
            "25" + "0a23" + "0a080102030405060708" + "1000" + "22065f6164647273" + "2a0b7b2273697a65223a31307d" + "3001",
            Hex(Messages.AddrsRequest(Id1, 10)));
    }

    [Fact]
    public void AddrsResponse_OneAddressEach_WithTheRequestsLimit()
    {
        Assert.Equal(
            "2c" + "122a" + "0a081112131415161718" + "1000" + "1a080102030405060708" + "22065f6164647273" + "2a0877733a2f2f613a31" + "3001",
            Hex(Messages.AddrsResponse(Id2, Id1, 1, "ws://a:1")));
    }

    [Fact]
    public void OriginalFrames_ParseIntoTheFieldsTheSpecNames()
    {
        var opening = Parse(WireVectors.OriginalHelloAndAddrsMessage);
        Assert.Equal(2, opening.Count);
        var hello = opening[0].Request;
        Assert.Equal(("_hello", 0u, 1u, 16), (hello.Type.ToStringUtf8(), hello.Hops, hello.Limit, hello.Data.Length));
        Assert.False(HelloExtension.TryRead(hello.Data.Span, out _)); // an original node: exactly 16 bytes
        var addrs = opening[1].Request;
        Assert.Equal(("_addrs", "{\"size\":10}", 1u), (addrs.Type.ToStringUtf8(), addrs.Data.ToStringUtf8(), addrs.Limit));
        Assert.Equal(10, Messages.RequestedAddressCount(addrs.Data, 100));

        var helloAnswer = Parse(WireVectors.OriginalHelloResponse).Single().Response;
        Assert.Equal("c0ffee01", Convert.ToHexStringLower(helloAnswer.Reply.ToByteArray()));
        Assert.False(helloAnswer.HasLimit);

        var echo = Parse(WireVectors.OriginalEchoReply).Single().Response;
        Assert.Equal(echo.Id, echo.Reply); // the original reuses the request id
        Assert.Equal(("echo", "echo:hi", 3u), (echo.Type.ToStringUtf8(), echo.Data.ToStringUtf8(), echo.Limit));
    }

    [Fact]
    public void OriginalFrames_RoundTripToTheSameBytes()
    {
        foreach (var hex in new[] { WireVectors.OriginalHelloAndAddrsMessage, WireVectors.OriginalHelloResponse, WireVectors.OriginalEchoReply })
            Assert.Equal(hex, string.Concat(Parse(hex).Select(Hex)));
    }

    [Fact]
    public void UnknownFields_AreSkippedNotRejected()
    {
        // An Announce with an unknown field 15 (varint 1) inside, and an unknown field 9 in the Message.
        var hex = "0a0c" + "0a04aaaa0001" + "1000" + "7801" + "3003" + "4801";
        var message = Message.Parser.ParseFrom(Convert.FromHexString(hex));
        Assert.Equal(Verdict.Accept, MessageValidator.Validate(message, 15).Verdict);
        Assert.Equal(3u, message.Request.Limit);
    }

    [Theory]
    [InlineData("{\"size\":5}", 5)]
    [InlineData("{\"size\":5000}", 100)]
    [InlineData("{\"size\":-3}", 0)]
    [InlineData("{\"size\":2.7}", 2)]
    [InlineData("{\"limit\":5}", 10)]
    [InlineData("not json", 10)]
    [InlineData("", 10)]
    [InlineData("[1,2]", 10)]
    [InlineData("{\"size\":\"7\"}", 10)]
    public void RequestedAddressCount_ReadsSize_FallingBackTo10(string data, int expected)
    {
        Assert.Equal(expected, Messages.RequestedAddressCount(ByteString.CopyFromUtf8(data), 100));
    }

    [Fact]
    public void HelloExtension_RoundTripsAndIgnoresTrailingBytes()
    {
        var data = new byte[16 + 6];
        new HelloExtension(1, HelloFeatures.ControlFrames).Write(data.AsSpan(16));
        Assert.True(HelloExtension.TryRead(data, out var ext));
        Assert.Equal((byte)1, ext.Version);
        Assert.Equal(HelloFeatures.ControlFrames, ext.Features);
        Assert.False(HelloExtension.TryRead(new byte[16], out _));
        Assert.False(HelloExtension.TryRead(new byte[18], out _));
    }

    [Fact]
    public void NewId_FromTheSystemSource_IsCryptographicRandom_EvenAfterASeededSourceUsedTheSlab()
    {
        // L4: the system source's bytes come from the cryptographic generator (its ids cannot be predicted from
        // earlier ones); a seeded source stays repeatable. Both cut ids from the same per-thread slab.
        Assert.Equal(Enumerable.Range(0, 10).Select(_ => Messages.NewId(new RandomSource(7))), Enumerable.Range(0, 10).Select(_ => Messages.NewId(new RandomSource(7))));
        var seeded = new RandomSource(1);
        var system = new RandomSource();
        var ids = new HashSet<ByteString>();
        for (var i = 0; i < 2000; i++)
        {
            Messages.NewId(seeded);
            var id = Messages.NewId(system);
            Assert.False(id.Span.IndexOfAnyExcept((byte)0) < 0, "an id of zeros: a slab was used unfilled");
            Assert.True(ids.Add(id));
        }
    }
}
