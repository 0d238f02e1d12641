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
/// Control frames are read in place (<see cref="ReadControl"/>), with no Message at all.
/// </remarks>
internal static class WireDecoder
{
    private static readonly MessageParser<Message> Library = Message.Parser.WithDiscardUnknownFields(true);

    /// <summary>Parses <paramref name="frame"/> (one frame's payload, without its length prefix).</summary>
    /// <exception cref="InvalidProtocolBufferException">The payload is not a protobuf <see cref="Message"/>.</exception>
    /// <exception cref="MalformedFrameException">The payload is a shape no node sends (<see cref="CheckShape"/>).</exception>
    public static Message Parse(in ReadOnlySequence<byte> frame) => Parse(frame.ToArray());

    /// <summary>Parses <paramref name="bytes"/> (one frame's payload, copied out of the connection's buffer; slices of it are kept).</summary>
    /// <exception cref="InvalidProtocolBufferException">The payload is not a protobuf <see cref="Message"/>.</exception>
    /// <exception cref="MalformedFrameException">The payload is a shape no node sends (<see cref="CheckShape"/>).</exception>
    public static Message Parse(byte[] bytes) => TryDecode(bytes, out var message) ? message : ParseUnusual(bytes);

    /// <summary>Parses, with the library, a frame <see cref="TryDecodeAnnounce"/> and <see cref="ReadControl"/> left to it.</summary>
    /// <exception cref="InvalidProtocolBufferException">The payload is not a protobuf <see cref="Message"/>.</exception>
    /// <exception cref="MalformedFrameException">The payload is a shape no node sends (<see cref="CheckShape"/>).</exception>
    public static Message ParseUnusual(byte[] bytes)
    {
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

    /// <summary>The plain case, in a Message (tests); false for anything the library must decide.</summary>
    internal static bool TryDecode(byte[] bytes, out Message message)
    {
        message = null!;
        if (!TryDecodeAnnounce(bytes, out var isRequest, out var announce))
            return false;
        message = isRequest ? new Message { Request = announce } : new Message { Response = announce };
        return true;
    }

    /// <summary>
    /// The plain case: one request (<paramref name="isRequest"/>) or response, without the Message around it (the
    /// session needs only the announce and its kind); false for anything the library must decide, control frames
    /// included (<see cref="ReadControl"/> reads the plain ones).
    /// </summary>
    internal static bool TryDecodeAnnounce(byte[] bytes, out bool isRequest, out Announce announce)
    {
        announce = null!;
        isRequest = false;
        var span = bytes.AsSpan();
        var position = 0;
        if (!TryReadVarint32(span, ref position, out var tag))
            return false;
        var field = tag >> 3;
        if ((tag & 7) != 2 || field is not (1 or 2))
            return false; // an empty message, a control frame, or anything unusual
        if (!TryReadLength(span, ref position, out var length) || position + length != span.Length)
            return false; // truncated, or more fields after the announce
        isRequest = field == 1;
        return TryDecodeFields(bytes, position, length, out announce);
    }

    private static bool TryDecodeFields(byte[] bytes, int start, int length, out Announce announce)
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

    /// <summary>
    /// Reads a frame that starts with the control tag in place: <see cref="ControlRead.Plain"/> when it is one control
    /// whose fields are all known (each flag once, as 0 or 1, every tag one byte) and within the limits;
    /// <see cref="ControlRead.Discard"/> with the reason when it is well formed but breaks a limit
    /// (<see cref="ControlFrameValidator"/>); <see cref="ControlRead.Unusual"/> for anything the library must decide.
    /// Allocates nothing: the frame wraps <paramref name="bytes"/>.
    /// </summary>
    /// <remarks>The frame is the first <paramref name="length"/> bytes of <paramref name="bytes"/> (a pooled buffer may be longer).</remarks>
    internal static ControlRead ReadControl(byte[] bytes, int length, out ControlFrame frame, out string? discard)
    {
        frame = default;
        discard = null;
        var span = bytes.AsSpan(0, length);
        var position = 0;
        if (!TryReadVarint32(span, ref position, out var tag) || tag != ControlFrameValidator.Tag
            || !TryReadLength(span, ref position, out var body) || position + body != span.Length)
            return ControlRead.Unusual;
        Span<int> counts = stackalloc int[5];
        Span<int> badIds = stackalloc int[5];
        var flags = 0;
        while (position < span.Length)
        {
            if (span[position] >= 0x80 || !TryReadVarint32(span, ref position, out tag))
                return ControlRead.Unusual; // a tag in more than one byte (legal, never sent) or truncated
            var field = (int)(tag >> 3);
            var wireType = tag & 7;
            if (field is 3 or 5 && wireType == 0)
            {
                if ((flags & (1 << field)) != 0 || !TryReadVarint32(span, ref position, out var value) || value > 1)
                    return ControlRead.Unusual; // repeated (the library keeps the last) or a bool the library reads as true
                flags |= 1 << field;
                continue;
            }
            if (field is not (1 or 2 or 4) || wireType != 2 || !TryReadLength(span, ref position, out var size) || size > span.Length - position)
                return ControlRead.Unusual; // unknown (to be discarded by the library), or malformed
            counts[field]++;
            if (size is 0 or > ProtocolLimits.MaxIdLength && badIds[field] == 0)
                badIds[field] = size + 1; // the list's first bad id (its length + 1), named as the validator names it
            position += size;
        }
        // In the validator's order (each list: too many ids, then its first bad id), so either path gives one reason.
        discard = Refusal(counts, badIds, 1, "ihave") ?? Refusal(counts, badIds, 2, "graft") ?? Refusal(counts, badIds, 4, "nack");
        if (discard is not null)
            return ControlRead.Discard;
        frame = new ControlFrame(bytes);
        return ControlRead.Plain;
    }

    private static string? Refusal(ReadOnlySpan<int> counts, ReadOnlySpan<int> badIds, int field, string name) =>
        ControlFrameValidator.TooMany(counts[field], name) ?? (badIds[field] > 0 ? ControlFrameValidator.BadIdLength(badIds[field] - 1, name) : null);

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

/// <summary>What <see cref="WireDecoder.ReadControl"/> made of a frame.</summary>
internal enum ControlRead
{
    /// <summary>A control frame within the limits, read in place.</summary>
    Plain,

    /// <summary>A well formed control frame that breaks a limit.</summary>
    Discard,

    /// <summary>Anything else: the library parses it.</summary>
    Unusual,
}
