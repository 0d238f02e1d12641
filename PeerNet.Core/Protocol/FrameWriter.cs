using System.Buffers;
using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Protocol;

/// <summary>Writes a Message as one length-prefixed frame straight into a buffer writer (no intermediate array).</summary>
public static class FrameWriter
{
    /// <summary>Writes <paramref name="message"/> as a frame; returns the bytes written.</summary>
    public static int Write(IBufferWriter<byte> output, Message message)
    {
        var size = message.CalculateSize();
        var prefix = output.GetSpan(ProtocolLimits.MaxPrefixLength);
        var prefixLength = WriteVarint(prefix, (uint)size);
        output.Advance(prefixLength);
        if (size > 0)
            message.WriteTo(output);
        return prefixLength + size;
    }

    /// <summary>Writes <c>Message { response = <paramref name="response"/> }</c> as a frame, with no Message made; returns the bytes written.</summary>
    public static int WriteResponse(IBufferWriter<byte> output, Announce response)
    {
        const byte responseTag = (2 << 3) | 2; // Message field 2, length-delimited
        var size = response.CalculateSize();
        var body = 1 + CodedOutputStream.ComputeLengthSize(size) + size;
        var head = output.GetSpan(2 * ProtocolLimits.MaxPrefixLength + 1);
        var length = WriteVarint(head, (uint)body);
        head[length++] = responseTag;
        length += WriteVarint(head[length..], (uint)size);
        output.Advance(length);
        response.WriteTo(output);
        return length + size;
    }

    /// <summary>Writes <paramref name="payload"/>, an encoded Message (a <see cref="ControlFrame"/>), as a frame; returns the bytes written.</summary>
    public static int Write(IBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        var span = output.GetSpan(ProtocolLimits.MaxPrefixLength + payload.Length);
        var prefixLength = WriteVarint(span, (uint)payload.Length);
        payload.CopyTo(span[prefixLength..]);
        output.Advance(prefixLength + payload.Length);
        return prefixLength + payload.Length;
    }

    /// <summary>Writes an empty frame: the tcp keep-alive.</summary>
    public static void WriteKeepAlive(IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = 0;
        output.Advance(1);
    }

    /// <summary>The frame bytes of <paramref name="message"/>, for tests and diagnostics.</summary>
    public static byte[] ToFrame(Message message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="value"/> as a protobuf varint; returns its length.</summary>
    internal static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }
}
