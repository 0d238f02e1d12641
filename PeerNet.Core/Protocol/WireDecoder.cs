using System.Buffers;
using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Protocol;

/// <summary>
/// Parses a received frame into a <see cref="Message"/> with one array per frame instead of one per bytes field:
/// the frame is copied once and each bytes field of a request or response wraps a slice of that copy (the type, which
/// recurs, is shared through <see cref="InternedTypes"/>).
/// </summary>
/// <remarks>
/// Written by hand because Google.Protobuf copies every bytes field into an array of its own (a request has three,
/// a response four: a fifth of what an announce round trip allocated) and has no zero-copy option. It decodes only
/// the plain case: one request, response or control whose fields are all known, each once (a control's id lists
/// any number of times), well formed. Anything else (an
/// unknown or repeated field, a group, a long varint, a truncated field) goes to the library's
/// parser, which then gives its exact result or error; so unknown fields are still discarded and never keep a frame
/// alive through a slice. Before the library parses a frame, its top level is checked (see <see cref="CheckShape"/>).
/// </remarks>
internal static class WireDecoder
{
    private static readonly MessageParser<Message> Library = Message.Parser.WithDiscardUnknownFields(true);

    /// <summary>Parses <paramref name="frame"/> (one frame's payload, without its length prefix).</summary>
    /// <exception cref="InvalidProtocolBufferException">The payload is not a protobuf <see cref="Message"/>.</exception>
    /// <exception cref="MalformedFrameException">The payload is a shape no node sends (<see cref="CheckShape"/>).</exception>
    public static Message Parse(in ReadOnlySequence<byte> frame)
    {
        var bytes = frame.ToArray();
        if (TryDecode(bytes, out var message))
            return message;
        CheckShape(bytes);
        return Library.ParseFrom(bytes);
    }

    /// <summary>
    /// Refuses, before the library allocates for them, the frames no node sends: more than one request, response or
    /// control field (the library builds a new message object for each, ~37 to 77 times the frame's size in a frame
    /// of empty ones, and the last kind wins, so a control frame could hide behind a first byte that is not its tag),
    /// or a control field in a frame over <see cref="ControlFrameValidator.MaxFrameBytes"/> that the session's
    /// first-byte check did not see. Walks the top-level tags only, skipping their values; allocates one reader.
    /// </summary>
    /// <exception cref="MalformedFrameException">The frame has one of these shapes.</exception>
    /// <exception cref="InvalidProtocolBufferException">The frame is not protobuf.</exception>
    internal static void CheckShape(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var kinds = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited && field is 1 or 2 or 3)
            {
                if (++kinds > 1)
                    throw new MalformedFrameException("more than one request, response or control in a frame");
                if (field == 3 && bytes.Length > ControlFrameValidator.MaxFrameBytes)
                    throw new MalformedFrameException($"a control frame of {bytes.Length} bytes behind other fields (max {ControlFrameValidator.MaxFrameBytes})");
            }
            input.SkipLastField();
        }
    }

    /// <summary>The plain case; false for anything the library must decide.</summary>
    internal static bool TryDecode(byte[] bytes, out Message message)
    {
        message = null!;
        var span = bytes.AsSpan();
        var position = 0;
        if (!TryReadVarint32(span, ref position, out var tag))
            return false;
        var field = tag >> 3;
        if ((tag & 7) != 2 || field is not (1 or 2 or 3))
            return false; // an empty message, or anything unusual
        if (!TryReadLength(span, ref position, out var length) || position + length != span.Length)
            return false; // truncated, or more fields after the announce or control
        if (field == 3)
        {
            // Control frames are most of what a node receives in a settled tree (IHAVEs): the library's parse took two
            // readers of its own per frame. One past the size limit goes to CheckShape, which refuses it.
            if (bytes.Length > ControlFrameValidator.MaxFrameBytes || !TryDecodeControl(bytes, position, out var control))
                return false;
            message = new Message { Control = control };
            return true;
        }
        if (!TryDecodeAnnounce(bytes, position, length, out var announce))
            return false;
        message = field == 1 ? new Message { Request = announce } : new Message { Response = announce };
        return true;
    }

    private static bool TryDecodeAnnounce(byte[] bytes, int start, int length, out Announce announce)
    {
        announce = new Announce();
        var span = bytes.AsSpan(0, start + length);
        var position = start;
        var seen = 0;
        while (position < span.Length)
        {
            if (!TryReadVarint32(span, ref position, out var tag))
                return false;
            var field = (int)(tag >> 3);
            var wireType = tag & 7;
            if (field is < 1 or > 9 || (seen & (1 << field)) != 0)
                return false; // unknown (to be discarded by the library) or repeated (the library merges)
            seen |= 1 << field;
            if (field is 2 or 6 or 7)
            {
                if (wireType != 0 || !TryReadVarint32(span, ref position, out var value))
                    return false;
                if (field == 2) announce.Hops = value;
                else if (field == 6) announce.Limit = value;
                else if (value > 1) return false; // a bool the library reads as true; rare enough to leave to it
                else announce.Report = value == 1;
                continue;
            }
            if (wireType != 2 || !TryReadLength(span, ref position, out var size) || size > span.Length - position)
                return false;
            var slice = bytes.AsMemory(position, size);
            position += size;
            switch (field)
            {
                case 1: announce.Id = UnsafeByteOperations.UnsafeWrap(slice); break;
                case 3: announce.Reply = UnsafeByteOperations.UnsafeWrap(slice); break;
                case 4: // a few types recur: shared, not one per frame; one past the limit (discarded later) is never interned
                    announce.Type = slice.Length <= ProtocolLimits.MaxTypeLength ? InternedTypes.Of(slice.Span) : UnsafeByteOperations.UnsafeWrap(slice);
                    break;
                case 5: announce.Data = UnsafeByteOperations.UnsafeWrap(slice); break;
                case 8: announce.Signer = UnsafeByteOperations.UnsafeWrap(slice); break;
                default: announce.Signature = UnsafeByteOperations.UnsafeWrap(slice); break;
            }
        }
        return true;
    }

    /// <summary>A control whose fields are all known and well formed, its flags each once (ids wrap slices of the frame).</summary>
    private static bool TryDecodeControl(byte[] bytes, int start, out Control control)
    {
        control = new Control();
        // Two walks: the first checks the shape and counts each list's ids, so each list's array is made once at its
        // size (the library's first add makes room for 8; most control frames carry one or two ids).
        Span<int> counts = stackalloc int[5];
        if (!WalkControl(bytes, start, counts, fill: null))
            return false;
        if (counts[1] > 0) control.Ihave.Capacity = counts[1];
        if (counts[2] > 0) control.Graft.Capacity = counts[2];
        if (counts[4] > 0) control.Nack.Capacity = counts[4];
        return WalkControl(bytes, start, counts, control);
    }

    /// <summary>One walk over a control's fields: counts the ids of each list field, or (with <paramref name="fill"/>) decodes them.</summary>
    private static bool WalkControl(byte[] bytes, int start, Span<int> counts, Control? fill)
    {
        var span = bytes.AsSpan();
        var position = start;
        var flags = 0;
        while (position < span.Length)
        {
            if (!TryReadVarint32(span, ref position, out var tag))
                return false;
            var field = (int)(tag >> 3);
            var wireType = tag & 7;
            if (field is 3 or 5 && wireType == 0)
            {
                if ((flags & (1 << field)) != 0 || !TryReadVarint32(span, ref position, out var value) || value > 1)
                    return false; // repeated (the library keeps the last) or a bool the library reads as true
                flags |= 1 << field;
                if (fill is null) continue;
                if (field == 3) fill.Prune = value == 1;
                else fill.LastResort = value == 1;
                continue;
            }
            if (field is not (1 or 2 or 4) || wireType != 2 || !TryReadLength(span, ref position, out var size) || size > span.Length - position)
                return false; // unknown (to be discarded by the library), or malformed
            if (fill is null)
                counts[field]++;
            else
                (field == 1 ? fill.Ihave : field == 2 ? fill.Graft : fill.Nack).Add(UnsafeByteOperations.UnsafeWrap(bytes.AsMemory(position, size)));
            position += size;
        }
        return true;
    }

    private static bool TryReadLength(ReadOnlySpan<byte> span, ref int position, out int length)
    {
        if (!TryReadVarint32(span, ref position, out var value) || value > int.MaxValue)
        {
            length = 0;
            return false;
        }
        length = (int)value;
        return true;
    }

    /// <summary>A varint of at most 5 bytes that fits 32 bits (longer ones, legal but never sent, go to the library).</summary>
    private static bool TryReadVarint32(ReadOnlySpan<byte> span, ref int position, out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= span.Length)
                return false;
            var b = span[position++];
            if (shift == 28 && b > 0x0F)
                return false;
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
                return true;
        }
        return false;
    }
}
