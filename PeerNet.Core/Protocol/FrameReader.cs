using System.Buffers;

namespace PeerNet.Protocol;

/// <summary>
/// Reads length-prefixed frames off a byte stream.
/// <code>
/// +----------------------------+----------------------------------+
/// | length: unsigned LEB128    | payload: `length` bytes,         |
/// | varint, 1-5 bytes          | a protobuf-encoded Message       |
/// +----------------------------+----------------------------------+
/// </code>
/// A zero length is an empty Message (the tcp keep-alive). The length is checked against the maximum as soon
/// as its bytes show it is too large, before waiting for (or allocating) the payload.
/// </summary>
public static class FrameReader
{
    /// <summary>Slices the first frame's payload off <paramref name="buffer"/> when it is complete.</summary>
    public static FrameStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameLength, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        var reader = new SequenceReader<byte>(buffer);
        ulong length = 0;
        for (var i = 0; ; i++)
        {
            if (!reader.TryRead(out var b))
                return FrameStatus.Incomplete;
            length |= (ulong)(b & 0x7F) << (7 * i);
            if (length > (ulong)maxFrameLength)
                return FrameStatus.Oversize;
            if ((b & 0x80) == 0)
                break;
            if (i == ProtocolLimits.MaxPrefixLength - 1)
                return FrameStatus.BadPrefix; // a continuation bit on the fifth byte: longer than 32 bits
        }

        if (reader.Remaining < (long)length)
            return FrameStatus.Incomplete;
        payload = buffer.Slice(reader.Position, (long)length);
        buffer = buffer.Slice(payload.End);
        return FrameStatus.Frame;
    }
}
