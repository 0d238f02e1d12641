using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Tests.Protocol;

/// <summary>
/// FsCheck generators for the wire property tests: valid messages within the protocol's limits, frame streams,
/// and hostile byte strings (random, protobuf-shaped garbage, mutations of valid streams, known amplifiers).
/// </summary>
/// <remarks>Byte contents come from a generated seed (one draw instead of one per byte), so a failure still replays from FsCheck's seed.</remarks>
public static class WireGen
{
    /// <summary><paramref name="min"/> to <paramref name="max"/> bytes.</summary>
    public static Gen<byte[]> Bytes(int min, int max) =>
        Gen.Choose(min, max).SelectMany(length => Gen.Choose(0, int.MaxValue).Select(seed => Fill(seed, length)));

    private static byte[] Fill(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Short fields most of the time, now and then one at its limit.</summary>
    private static Gen<ByteString> Field(int min, int max) =>
        Gen.Frequency((4, Bytes(min, Math.Min(max, 16))), (1, Bytes(min, max)), (1, Bytes(max, max)))
            .Select(ByteString.CopyFrom);

    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : class =>
        Gen.Elements(true, false).SelectMany(has => has ? gen.Select(value => (T?)value) : Gen.Constant<T?>(null));

    /// <summary>A request or response within ProtocolLimits; optional fields present or absent.</summary>
    public static Gen<Announce> Announce(bool isRequest) =>
        from id in Field(1, ProtocolLimits.MaxIdLength)
        from hops in Gen.Choose(0, ProtocolLimits.OriginalMaxHops)
        from limit in Gen.Choose(-1, ProtocolLimits.OriginalMaxHops)
        from reply in Maybe(Field(1, ProtocolLimits.MaxIdLength))
        from type in Maybe(Field(0, ProtocolLimits.MaxTypeLength))
        from data in Maybe(Field(0, ProtocolLimits.MaxDataLength))
        from report in Gen.Choose(-1, 1)
        select Build(isRequest, id, (uint)hops, limit, reply, type, data, report);

    private static Announce Build(bool isRequest, ByteString id, uint hops, int limit, ByteString? reply, ByteString? type, ByteString? data, int report)
    {
        var announce = new Announce { Id = id, Hops = hops };
        if (limit >= 0) announce.Limit = (uint)limit;
        if (reply is not null && !isRequest) announce.Reply = reply;
        if (type is not null) announce.Type = type;
        if (data is not null) announce.Data = data;
        if (report >= 0) announce.Report = report == 1;
        return announce;
    }

    /// <summary>A control frame within ControlFrameValidator's limits (at most MaxIdsPerList ids a list, ids of 1 to 64 bytes).</summary>
    public static Gen<Control> Control() =>
        from ihave in IdList()
        from graft in IdList()
        from nack in IdList()
        from flags in Gen.Choose(0, 15)
        select BuildControl(ihave, graft, nack, flags);

    private static Gen<ByteString[]> IdList() =>
        Gen.Frequency((4, Gen.Choose(0, 4)), (1, Gen.Choose(0, ControlFrameValidator.MaxIdsPerList)))
            .SelectMany(count => Gen.ArrayOf(Field(1, ProtocolLimits.MaxIdLength), count));

    private static Control BuildControl(ByteString[] ihave, ByteString[] graft, ByteString[] nack, int flags)
    {
        var control = new Control();
        control.Ihave.AddRange(ihave);
        control.Graft.AddRange(graft);
        control.Nack.AddRange(nack);
        if ((flags & 1) != 0) control.Prune = (flags & 2) != 0;
        if ((flags & 4) != 0) control.LastResort = (flags & 8) != 0;
        return control;
    }

    /// <summary>Any valid message: a request, a response, a control frame or a keep-alive (the empty Message).</summary>
    public static Gen<Message> Message() =>
        Gen.Frequency(
            (4, Announce(true).Select(a => new Message { Request = a })),
            (3, Announce(false).Select(a => new Message { Response = a })),
            (2, Control().Select(c => new Message { Control = c })),
            (1, Gen.Constant(new Message())));

    /// <summary>1 to 8 valid messages.</summary>
    public static Gen<Message[]> Messages() => Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Message(), n));

    /// <summary>The frames of <paramref name="messages"/>, back to back, as FrameWriter writes them to a peer.</summary>
    public static byte[] Stream(IEnumerable<Message> messages)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var message in messages)
            FrameWriter.Write(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Cut points in 0..<paramref name="length"/>: none, a few, or many (down to one byte a segment).</summary>
    public static Gen<int[]> Cuts(int length) =>
        Gen.Frequency((3, Gen.Choose(0, 8)), (1, Gen.Choose(0, length)))
            .SelectMany(count => Gen.ArrayOf(Gen.Choose(0, length), count))
            .Select(cuts => cuts.Distinct().Order().ToArray());

    /// <summary>Hostile input: random bytes, a valid prefix before garbage, protobuf-shaped garbage, mutated streams, amplifiers.</summary>
    public static Gen<byte[]> Hostile() =>
        Gen.Frequency(
            (2, Bytes(0, 64)),
            (2, Bytes(0, 2048).Select(Prefixed)),
            (4, Gen.Choose(0, int.MaxValue).Select(seed => Prefixed(ProtobufGarbage(new Random(seed), 0)))),
            (4, Mutated()),
            (1, Gen.Choose(0, int.MaxValue).SelectMany(seed => Gen.Choose(2, ProtocolLimits.DefaultMaxFrameLength).Select(size => Prefixed(Kinds(seed, size))))),
            (1, Gen.Choose(1, 3).SelectMany(field => Gen.Choose(1, ProtocolLimits.DefaultMaxFrameLength).Select(size => Prefixed(Amplifier(field, size))))));

    /// <summary>A frame: the varint length, then <paramref name="payload"/>.</summary>
    public static byte[] Prefixed(byte[] payload)
    {
        var output = new byte[ProtocolLimits.MaxPrefixLength + payload.Length];
        var i = WriteVarint(output, (ulong)payload.Length);
        payload.CopyTo(output, i);
        return output[..(i + payload.Length)];
    }

    /// <summary>
    /// The costliest frame known per parsed byte: a request, response or control frame whose payload is a run of
    /// one-byte ids (each id a ByteString and an array of its own), up to <paramref name="size"/> bytes.
    /// </summary>
    public static byte[] Amplifier(int field, int size)
    {
        var inner = new List<byte>();
        while (inner.Count + 3 <= size - 4)
            inner.AddRange([0x0A, 0x01, (byte)inner.Count]);
        var prefix = new byte[ProtocolLimits.MaxPrefixLength];
        var n = WriteVarint(prefix, (ulong)inner.Count);
        return [(byte)((field << 3) | 2), .. prefix[..n], .. inner];
    }

    /// <summary>
    /// Up to <paramref name="size"/> bytes of top-level kinds, all empty or minimal (request, response, control) after a
    /// first unit that may be another or an unknown field: the library would build an object for each.
    /// </summary>
    public static byte[] Kinds(int seed, int size)
    {
        byte[][] units = [[0x0A, 0x00], [0x12, 0x00], [0x1A, 0x00], [0x0A, 0x02, 0x10, 0x00], [0x22, 0x00]];
        var random = new Random(seed);
        return Run(units[random.Next(units.Length)], units[random.Next(units.Length - 1)], size);
    }

    /// <summary><paramref name="first"/>, then <paramref name="unit"/> again and again, up to <paramref name="size"/> bytes.</summary>
    public static byte[] Run(byte[] first, byte[] unit, int size)
    {
        var output = new List<byte>(size);
        output.AddRange(first);
        while (output.Count + unit.Length <= size)
            output.AddRange(unit);
        return output.ToArray();
    }

    /// <summary>Fields of every wire type with random tags, lengths that may lie, groups and nesting.</summary>
    private static byte[] ProtobufGarbage(Random random, int depth)
    {
        var output = new List<byte>();
        var fields = random.Next(1, 12);
        var varint = new byte[10];
        for (var f = 0; f < fields; f++)
        {
            var field = random.Next(4) == 0 ? (ulong)random.NextInt64(0, 1L << 32) : (ulong)random.Next(0, 9);
            var wireType = (ulong)random.Next(8);
            output.AddRange(varint[..WriteVarint(varint, (field << 3) | wireType)]);
            switch (wireType)
            {
                case 0:
                    output.AddRange(varint[..WriteVarint(varint, random.Next(3) == 0 ? (ulong)random.NextInt64() * 2 : (ulong)random.Next(300))]);
                    break;
                case 1: output.AddRange(RandomBytes(random, 8)); break;
                case 5: output.AddRange(RandomBytes(random, 4)); break;
                case 2:
                    var body = depth < 3 && random.Next(2) == 0 ? ProtobufGarbage(random, depth + 1) : RandomBytes(random, random.Next(0, 80));
                    var length = random.Next(6) == 0 ? (ulong)random.Next(0, 200) : (ulong)body.Length; // sometimes a lie
                    output.AddRange(varint[..WriteVarint(varint, length)]);
                    output.AddRange(body);
                    break;
                default: break; // group start/end, or an invalid wire type (6, 7)
            }
        }
        return output.ToArray();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A valid stream with 1 to 4 mutations: bit flips, truncations, inserted (possibly over-long) varints, overwritten bytes.</summary>
    private static Gen<byte[]> Mutated() =>
        from messages in Messages()
        from count in Gen.Choose(1, 4)
        from seed in Gen.Choose(0, int.MaxValue)
        select Mutate(Stream(messages), count, new Random(seed));

    private static byte[] Mutate(byte[] bytes, int count, Random random)
    {
        var list = bytes.ToList();
        var varint = new byte[10];
        for (var m = 0; m < count && list.Count > 0; m++)
        {
            var at = random.Next(list.Count);
            switch (random.Next(4))
            {
                case 0: list[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: list.RemoveRange(at, list.Count - at); break;
                case 2:
                    var value = random.Next(2) == 0 ? (ulong)random.NextInt64() * 2 + 1 : (ulong)random.Next(0x4000);
                    list.InsertRange(at, varint[..WriteVarint(varint, value)]);
                    break;
                default:
                    var length = Math.Min(random.Next(1, 9), list.Count - at);
                    for (var i = 0; i < length; i++) list[at + i] = (byte)random.Next(256);
                    break;
            }
        }
        return list.ToArray();
    }

    private static int WriteVarint(byte[] destination, ulong value)
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
