using System.Buffers;
using PeerNet.Protocol;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Protocol;

public class FrameReaderTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    [Fact]
    public void TryReadFrame_ReadsEveryFrameWhateverTheSplit()
    {
        // Two real frames the original sends in one WebSocket message, then a keep-alive.
        var bytes = Hex(WireVectors.OriginalHelloAndAddrsMessage + "00");
        foreach (var sequence in Segment.Splits(bytes))
        {
            var buffer = sequence;
            var payloads = new List<byte[]>();
            while (FrameReader.TryReadFrame(ref buffer, 65536, out var payload) == FrameStatus.Frame)
                payloads.Add(payload.ToArray());
            Assert.Equal([0x26, 0x21, 0], payloads.Select(p => p.Length));
            Assert.True(buffer.IsEmpty);
        }
    }

    [Fact]
    public void TryReadFrame_WaitsForMissingBytes_WithoutConsuming()
    {
        var bytes = Hex("05" + "0a03010203");
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes[..cut]);
            Assert.Equal(FrameStatus.Incomplete, FrameReader.TryReadFrame(ref buffer, 100, out _));
            Assert.Equal(cut, buffer.Length);
        }
    }

    [Theory]
    [InlineData("8080808010", FrameStatus.Oversize)] // 2^32
    [InlineData("ffffffff0f", FrameStatus.Oversize)] // 2^32 - 1
    [InlineData("818004", FrameStatus.Oversize)]     // 65537
    [InlineData("ffff7f", FrameStatus.Oversize)]     // 2^21 - 1
    [InlineData("ffffff", FrameStatus.Oversize)]     // incomplete, but already past 65536: no need to wait
    public void TryReadFrame_LengthOverTheMaximum_IsAViolationBeforeThePayloadArrives(string prefix, FrameStatus expected)
    {
        var buffer = new ReadOnlySequence<byte>(Hex(prefix));
        Assert.Equal(expected, FrameReader.TryReadFrame(ref buffer, 65536, out _));
    }

    [Fact]
    public void TryReadFrame_AFifthContinuationByte_IsABadPrefix()
    {
        var buffer = new ReadOnlySequence<byte>(Hex("8080808080"));
        Assert.Equal(FrameStatus.BadPrefix, FrameReader.TryReadFrame(ref buffer, int.MaxValue, out _));
    }

    [Fact]
    public void TryReadFrame_AtTheMaximum_IsAccepted()
    {
        var bytes = new byte[3 + 65536];
        bytes[0] = 0x80; bytes[1] = 0x80; bytes[2] = 0x04; // 65536
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(FrameStatus.Frame, FrameReader.TryReadFrame(ref buffer, 65536, out var payload));
        Assert.Equal(65536, payload.Length);
    }

    [Fact]
    public void FrameWriter_WritesTheVarintPrefixThenThePayload()
    {
        var message = new PeerNet.Protocol.Wire.Message { Request = new() { Id = Google.Protobuf.ByteString.CopyFrom(new byte[200]), Hops = 0 } };
        var frame = FrameWriter.ToFrame(message);
        Assert.Equal(message.CalculateSize(), frame.Length - 2);
        Assert.Equal(0xd0, frame[0]); // 208 = 0xd0 0x01
        Assert.Equal(0x01, frame[1]);
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.Equal(FrameStatus.Frame, FrameReader.TryReadFrame(ref buffer, 65536, out var payload));
        Assert.Equal(message, PeerNet.Protocol.Wire.Message.Parser.ParseFrom(payload));
    }

    [Fact]
    public void KeepAlive_IsTheSingleByteZero()
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameWriter.WriteKeepAlive(writer);
        Assert.Equal([0], writer.WrittenSpan.ToArray());
        Assert.Equal([0], FrameWriter.ToFrame(new PeerNet.Protocol.Wire.Message()));
    }
}
