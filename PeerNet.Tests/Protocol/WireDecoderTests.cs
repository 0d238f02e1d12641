using System.Buffers;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Tests.Protocol;

/// <summary>The zero-copy decoder gives exactly what Google.Protobuf (discarding unknown fields) gives, or leaves the frame to it.</summary>
public class WireDecoderTests
{
    private static readonly MessageParser<Message> Library = Message.Parser.WithDiscardUnknownFields(true);

    private static Announce RandomAnnounce(Random random)
    {
        ByteString Bytes(int max) => ByteString.CopyFrom(Enumerable.Range(0, random.Next(max + 1)).Select(_ => (byte)random.Next(256)).ToArray());
        var announce = new Announce { Id = Bytes(64), Hops = (uint)random.Next(300) };
        if (random.Next(2) == 0) announce.Reply = Bytes(64);
        if (random.Next(2) == 0) announce.Type = Bytes(64);
        if (random.Next(2) == 0) announce.Data = Bytes(1024);
        if (random.Next(2) == 0) announce.Limit = random.Next(3) == 0 ? uint.MaxValue : (uint)random.Next(100);
        return announce;
    }

    [Fact]
    public void RandomRequestsAndResponses_DecodeWithoutTheLibrary_ToEqualMessages()
    {
        var random = new Random(20261201);
        for (var i = 0; i < 2000; i++)
        {
            var announce = RandomAnnounce(random);
            var message = i % 2 == 0 ? new Message { Request = announce } : new Message { Response = announce };
            var bytes = message.ToByteArray();
            Assert.True(WireDecoder.TryDecode(bytes, out var decoded), $"case {i}");
            Assert.Equal(message, decoded);
            Assert.Equal(Library.ParseFrom(bytes), decoded);
        }
    }

    [Fact]
    public void BytesFieldsAreSlicesOfOneCopyOfTheFrame()
    {
        var bytes = new Message { Response = new Announce { Id = ByteString.CopyFromUtf8("id"), Hops = 0, Reply = ByteString.CopyFromUtf8("re"), Type = ByteString.CopyFromUtf8("ty"), Data = ByteString.CopyFromUtf8("da") } }.ToByteArray();
        Assert.True(WireDecoder.TryDecode(bytes, out var decoded));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(decoded.Response.Data.Memory, out var segment));
        Assert.Same(bytes, segment.Array);
    }

    [Theory]
    [InlineData("1a00")] // a control frame
    [InlineData("")] // an empty message (a keep-alive)
    [InlineData("0a0408011001")] // a repeated field (hops twice): the library decides
    [InlineData("0a0408013801")] // an unknown field 7: discarded by the library, never kept in a slice
    [InlineData("0a020801")] // truncated announce
    [InlineData("0a03080110")] // truncated varint
    [InlineData("0a02080112020801")] // more after the announce (field 2 of Message = a second kind)
    [InlineData("0a080801108080808010")] // a hops varint longer than 32 bits (well formed: the library decides)
    public void UnusualFrames_AreLeftToTheLibrary(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.False(WireDecoder.TryDecode(bytes, out _));
        // And what the library makes of it is what a session gets.
        Message? library = null, session = null;
        try { library = Library.ParseFrom(bytes); } catch (InvalidProtocolBufferException) { }
        try { session = WireDecoder.Parse(new ReadOnlySequence<byte>(bytes)); } catch (InvalidProtocolBufferException) { }
        Assert.Equal(library, session);
    }

    [Fact]
    public void AnyMutationOfAValidFrame_ParsesAsTheLibraryParsesIt_OrFailsAsItFails()
    {
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = new Message { Request = RandomAnnounce(random) }.ToByteArray();
            switch (random.Next(3))
            {
                case 0: bytes[random.Next(bytes.Length)] = (byte)random.Next(256); break;
                case 1: bytes = bytes[..random.Next(bytes.Length)]; break;
                default: bytes = [.. bytes, .. Enumerable.Range(0, random.Next(1, 6)).Select(_ => (byte)random.Next(256))]; break;
            }
            Message? expected = null, actual = null;
            Exception? libraryError = null, decoderError = null;
            try { expected = Library.ParseFrom(bytes); } catch (InvalidProtocolBufferException ex) { libraryError = ex; }
            try { actual = WireDecoder.Parse(new ReadOnlySequence<byte>(bytes)); } catch (InvalidProtocolBufferException ex) { decoderError = ex; }
            Assert.Equal(libraryError is null, decoderError is null);
            Assert.Equal(expected, actual);
        }
    }
}
