using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Protocol;

/// <summary>
/// A control frame as its wire bytes: the whole encoded <see cref="Message"/> (field 3, then the
/// <see cref="Control"/>'s fields), built straight from its ids when sent and read in place when received.
/// </summary>
/// <remarks>
/// Written by hand beside the generated <see cref="Control"/>: each generated one made a <see cref="Message"/>, three
/// repeated fields, their arrays and a byte string per id, once to send and again on receipt. IHAVEs to every lazy
/// peer are most of the frames a settled tree sends, so those objects were most of what each node allocated per
/// announce. The bytes are exactly what the generated code writes (fields in number order), so either end may be
/// either kind of node. A frame is never changed once built: one may go to many peers.
/// </remarks>
public readonly struct ControlFrame
{
    private const byte IhaveTag = (1 << 3) | 2;
    private const byte GraftTag = (2 << 3) | 2;
    private const byte PruneTag = 3 << 3;
    private const byte NackTag = (4 << 3) | 2;
    private const byte LastResortTag = 5 << 3;

    private readonly byte[] _bytes;

    /// <summary>Wraps <paramref name="bytes"/>, an encoded control Message the caller checked (see <see cref="WireDecoder"/>).</summary>
    internal ControlFrame(byte[] bytes) => _bytes = bytes;

    /// <summary>The encoded Message, without a frame length prefix.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes.AsMemory(0, Length);

    /// <summary>
    /// Bytes of the frame, from its own header (tag, then the Control's length): the array may be longer (a received
    /// frame in a pooled buffer).
    /// </summary>
    internal int Length
    {
        get
        {
            var at = 1;
            var body = ReadVarint(_bytes, ref at);
            return at + (int)body;
        }
    }

    /// <summary>The same bytes, for the send queue (never changed).</summary>
    internal byte[] Array => _bytes;

    /// <summary>A PRUNE. One shared instance.</summary>
    public static ControlFrame Prune { get; } = new([ControlFrameValidator.Tag, 2, PruneTag, 1]);

    /// <summary>IHAVE <paramref name="id"/>.</summary>
    public static ControlFrame Ihave(ReadOnlySpan<byte> id) => Single(IhaveTag, id, lastResort: false);

    /// <summary>IHAVE every id in <paramref name="ids"/> (at most <see cref="ControlFrameValidator.MaxIdsPerList"/>).</summary>
    public static ControlFrame Ihave(IReadOnlyList<ByteString> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var body = 0;
        for (var i = 0; i < ids.Count; i++)
            body += FieldSize(ids[i].Length);
        var bytes = Start(body, out var at);
        for (var i = 0; i < ids.Count; i++)
            at = WriteField(bytes, at, IhaveTag, ids[i].Span);
        return new ControlFrame(bytes);
    }

    /// <summary>GRAFT <paramref name="id"/>, flagged when the asker has no other announcer left.</summary>
    public static ControlFrame Graft(ReadOnlySpan<byte> id, bool lastResort) => Single(GraftTag, id, lastResort);

    /// <summary>NACK <paramref name="id"/>.</summary>
    public static ControlFrame Nack(ReadOnlySpan<byte> id) => Single(NackTag, id, lastResort: false);

    /// <summary>The frame of a parsed <paramref name="control"/> (what the library parsed from an unusual frame; tests).</summary>
    public static ControlFrame From(Control control)
    {
        ArgumentNullException.ThrowIfNull(control);
        return new ControlFrame(new Message { Control = control }.ToByteArray());
    }

    /// <summary>This frame parsed into the generated types (tests, links that record messages).</summary>
    public Message ToMessage() => Message.Parser.ParseFrom(_bytes, 0, Length);

    /// <summary>What <paramref name="idLength"/> bytes of id add to a frame: the id, a field tag and a length prefix.</summary>
    public static int FieldSize(int idLength) => 1 + CodedOutputStream.ComputeLengthSize(idLength) + idLength;

    /// <summary>Whether the PRUNE flag is set.</summary>
    public bool IsPrune => Flag(PruneTag);

    /// <summary>Whether the LAST_RESORT flag is set.</summary>
    public bool IsLastResort => Flag(LastResortTag);

    /// <summary>The IHAVE ids, in order (slices of the frame).</summary>
    public IdList Ihaves => new(_bytes, IhaveTag);

    /// <summary>The GRAFT ids, in order.</summary>
    public IdList Grafts => new(_bytes, GraftTag);

    /// <summary>The NACK ids, in order.</summary>
    public IdList Nacks => new(_bytes, NackTag);

    private bool Flag(byte tag)
    {
        foreach (var field in new Fields(_bytes))
        {
            if (field.Tag == tag)
                return field.Value != 0;
        }
        return false;
    }

    private static ControlFrame Single(byte tag, ReadOnlySpan<byte> id, bool lastResort)
    {
        var bytes = Start(FieldSize(id.Length) + (lastResort ? 2 : 0), out var at);
        at = WriteField(bytes, at, tag, id);
        if (lastResort)
        {
            bytes[at++] = LastResortTag;
            bytes[at] = 1;
        }
        return new ControlFrame(bytes);
    }

    /// <summary>One array for the whole frame: the Message's tag and length, then <paramref name="body"/> bytes of Control.</summary>
    private static byte[] Start(int body, out int at)
    {
        var bytes = new byte[1 + CodedOutputStream.ComputeLengthSize(body) + body];
        bytes[0] = ControlFrameValidator.Tag;
        at = 1 + FrameWriter.WriteVarint(bytes.AsSpan(1), (uint)body);
        return bytes;
    }

    private static int WriteField(byte[] bytes, int at, byte tag, ReadOnlySpan<byte> id)
    {
        bytes[at++] = tag;
        at += FrameWriter.WriteVarint(bytes.AsSpan(at), (uint)id.Length);
        id.CopyTo(bytes.AsSpan(at));
        return at + id.Length;
    }

    /// <summary>The ids of one list of a frame.</summary>
    public readonly struct IdList
    {
        private readonly byte[] _bytes;
        private readonly byte _tag;

        internal IdList(byte[] bytes, byte tag)
        {
            _bytes = bytes;
            _tag = tag;
        }

        /// <summary>How many ids the list has.</summary>
        public int Count
        {
            get
            {
                var count = 0;
                foreach (var each in new Fields(_bytes))
                {
                    if (each.Tag == _tag)
                        count++;
                }
                return count;
            }
        }

        /// <summary>Walks the ids without allocating.</summary>
        public Enumerator GetEnumerator() => new(_bytes, _tag);

        /// <summary>The ids of one list, as slices of the frame.</summary>
        public struct Enumerator
        {
            private Fields.Enumerator _fields;
            private readonly byte _tag;

            internal Enumerator(byte[] bytes, byte tag)
            {
                _fields = new Fields(bytes).GetEnumerator();
                _tag = tag;
            }

            /// <summary>The current id.</summary>
            public readonly ReadOnlyMemory<byte> Current => _fields.Current.Bytes;

            /// <summary>Moves to the next id of the list.</summary>
            public bool MoveNext()
            {
                while (_fields.MoveNext())
                {
                    if (_fields.Current.Tag == _tag)
                        return true;
                }
                return false;
            }
        }
    }

    /// <summary>One field of the Control: its tag and either its bytes (a list's id) or its value (a flag).</summary>
    private readonly record struct Field(byte Tag, ReadOnlyMemory<byte> Bytes, uint Value);

    /// <summary>
    /// The Control's fields of a frame this type built or <see cref="WireDecoder"/> checked: every tag is one byte, every
    /// varint and length fits, nothing runs past the end (so the walk needs no error path).
    /// </summary>
    private readonly struct Fields(byte[] bytes)
    {
        public Enumerator GetEnumerator() => new(bytes);

        public struct Enumerator
        {
            private readonly byte[] _bytes;
            private readonly int _end;
            private int _at;

            internal Enumerator(byte[] bytes)
            {
                _bytes = bytes;
                _at = 1;
                var body = ReadVarint(bytes, ref _at); // the Message's length of the Control
                _end = _at + (int)body;
            }

            public Field Current { get; private set; }

            public bool MoveNext()
            {
                if (_at >= _end)
                    return false;
                var tag = _bytes[_at++];
                var value = ReadVarint(_bytes, ref _at);
                if ((tag & 7) == 2)
                {
                    Current = new Field(tag, _bytes.AsMemory(_at, (int)value), 0);
                    _at += (int)value;
                }
                else
                {
                    Current = new Field(tag, default, value);
                }
                return true;
            }
        }
    }

    private static uint ReadVarint(byte[] bytes, ref int at)
    {
        uint value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
    }
}
