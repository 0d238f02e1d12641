using System.Buffers;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Tests.Protocol;

/// <summary>The writer's paths without a Message object write exactly the frames the Message would.</summary>
public class FrameWriterTests
{
    private static byte[] Written(Func<IBufferWriter<byte>, int> write, out int reported)
    {
        var buffer = new ArrayBufferWriter<byte>();
        reported = write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 3)]
    [InlineData(120, 0)] // the announce's length needs two varint bytes, the frame's too
    [InlineData(1024, 64)]
    [InlineData(20_000, 64)] // three bytes each
    public void AResponseWrittenBare_IsTheFrameOfItsMessage(int dataLength, int idLength)
    {
        var response = new Announce
        {
            Id = ByteString.CopyFrom(new byte[idLength]),
            Hops = 3,
            Reply = ByteString.CopyFromUtf8("the-request"),
            Type = ByteString.CopyFromUtf8("echo"),
            Data = ByteString.CopyFrom(Enumerable.Range(0, dataLength).Select(i => (byte)i).ToArray()),
        };
        var expected = FrameWriter.ToFrame(new Message { Response = response });
        var bare = Written(output => FrameWriter.WriteResponse(output, response), out var reported);
        Assert.Equal(expected, bare);
        Assert.Equal(expected.Length, reported);
    }

    [Fact]
    public void AControlFrameWritten_IsTheFrameOfItsMessage()
    {
        var control = new Control { Ihave = { ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("bb") }, Prune = true };
        var expected = FrameWriter.ToFrame(new Message { Control = control });
        var written = Written(output => FrameWriter.Write(output, ControlFrame.From(control).Bytes.Span), out var reported);
        Assert.Equal(expected, written);
        Assert.Equal(expected.Length, reported);
    }
}
