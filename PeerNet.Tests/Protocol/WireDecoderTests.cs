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

    private static Control RandomControl(Random random)
    {
        ByteString Id() => ByteString.CopyFrom(Enumerable.Range(0, random.Next(66)).Select(_ => (byte)random.Next(256)).ToArray());
        var control = new Control();
        foreach (var list in new[] { control.Ihave, control.Graft, control.Nack })
        {
            for (var n = random.Next(4) == 0 ? random.Next(70) : random.Next(3); n > 0; n--)
                list.Add(Id());
        }
        if (random.Next(3) == 0) control.Prune = random.Next(2) == 0;
        if (random.Next(3) == 0) control.LastResort = random.Next(2) == 0;
        return control;
    }

    /// <summary>What the session does with a control frame the library parsed: its validator's verdict and reason.</summary>
    private static (ControlRead Read, string? Reason) LibraryVerdict(Message parsed)
    {
        var validation = ControlFrameValidator.Validate(parsed.Control);
        return validation.Verdict == Verdict.Discard ? (ControlRead.Discard, validation.Reason) : (ControlRead.Plain, null);
    }

    private static void AssertSameFrame(Message expected, ControlFrame frame)
    {
        Assert.Equal(expected, frame.ToMessage());
        Assert.Equal(expected.Control.Prune, frame.IsPrune);
        Assert.Equal(expected.Control.LastResort, frame.IsLastResort);
        Assert.Equal(expected.Control.Ihave.Select(id => id.ToBase64()), Ids(frame.Ihaves));
        Assert.Equal(expected.Control.Graft.Select(id => id.ToBase64()), Ids(frame.Grafts));
        Assert.Equal(expected.Control.Nack.Select(id => id.ToBase64()), Ids(frame.Nacks));
        Assert.Equal(expected.Control.Ihave.Count, frame.Ihaves.Count);
    }

    private static List<string> Ids(ControlFrame.IdList list)
    {
        var ids = new List<string>();
        foreach (var id in list)
            ids.Add(Convert.ToBase64String(id.Span));
        return ids;
    }

    [Fact]
    public void RandomControlFrames_AreReadInPlace_AsTheLibraryParsesAndTheValidatorJudgesThem()
    {
        var random = new Random(20261202);
        var (plain, discarded) = (0, 0);
        for (var i = 0; i < 2000; i++)
        {
            var message = new Message { Control = RandomControl(random) };
            var bytes = message.ToByteArray();
            var read = WireDecoder.ReadControl(bytes, bytes.Length, out var frame, out var reason);
            Assert.Equal(LibraryVerdict(Library.ParseFrom(bytes)), (read, reason));
            if (read == ControlRead.Plain)
            {
                plain++;
                AssertSameFrame(message, frame);
                Assert.Same(bytes, System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.Bytes, out var segment) ? segment.Array : null);
            }
            else
                discarded++;
        }
        Assert.True(plain > 100 && discarded > 100, $"{plain} plain, {discarded} discarded: both kinds must be exercised");
    }

    [Fact]
    public void AnyMutationOfAValidControlFrame_IsReadAsTheLibraryParsesIt_OrLeftToTheLibrary()
    {
        var random = new Random(11);
        var (read, leftToLibrary) = (0, 0);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = new Message { Control = RandomControl(random) }.ToByteArray();
            if (bytes.Length == 0)
                continue;
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var kind = WireDecoder.ReadControl(bytes, bytes.Length, out var frame, out var reason);
            if (kind == ControlRead.Unusual)
            {
                leftToLibrary++; // the session parses it with the library, as before
                continue;
            }
            read++;
            var parsed = Library.ParseFrom(bytes); // read in place means the library parses it too
            Assert.Equal(LibraryVerdict(parsed), (kind, reason));
            if (kind == ControlRead.Plain)
                AssertSameFrame(parsed, frame);
        }
        Assert.True(read > 500 && leftToLibrary > 100, $"{read} read in place, {leftToLibrary} left to the library");
    }

    [Fact]
    public void OtherMessages_AreNotReadAsControlFrames()
    {
        var request = new Message { Request = new Announce { Id = ByteString.CopyFromUtf8("id"), Hops = 0 } }.ToByteArray();
        Assert.Equal(ControlRead.Unusual, WireDecoder.ReadControl(request, request.Length, out _, out _));
        var trailing = new Message { Control = new Control { Prune = true } }.ToByteArray().Concat(request).ToArray();
        Assert.Equal(ControlRead.Unusual, WireDecoder.ReadControl(trailing, trailing.Length, out _, out _)); // a second field: CheckShape's case
        Assert.False(WireDecoder.TryDecode(new Message { Control = new Control { Prune = true } }.ToByteArray(), out _));
    }

    [Fact]
    public void AControlFrameInALongerBuffer_IsReadUpToItsLength_AsTheSessionsPooledCopiesAre()
    {
        var message = new Message { Control = new Control { Ihave = { ByteString.CopyFromUtf8("one"), ByteString.CopyFromUtf8("two") }, Prune = true } };
        var frame = message.ToByteArray();
        var buffer = new byte[frame.Length + 40];
        Array.Fill(buffer, (byte)0x0A); // what a reused buffer may hold past the frame: more "ihave" tags
        frame.CopyTo(buffer, 0);
        Assert.Equal(ControlRead.Plain, WireDecoder.ReadControl(buffer, frame.Length, out var read, out _));
        AssertSameFrame(message, read);
        Assert.Equal(frame, read.Bytes.ToArray());
        Assert.Equal(ControlRead.Unusual, WireDecoder.ReadControl(buffer, frame.Length + 1, out _, out _)); // past its end: not one frame
    }

    [Fact]
    public void BuiltControlFrames_AreTheBytesTheLibraryWrites()
    {
        var id = ByteString.CopyFromUtf8("an-id-of-some-length");
        var other = ByteString.CopyFrom(new byte[64]);
        void Same(Control control, ControlFrame frame) =>
            Assert.Equal(new Message { Control = control }.ToByteArray(), frame.Bytes.ToArray());
        Same(new Control { Ihave = { id } }, ControlFrame.Ihave(id.Span));
        Same(new Control { Ihave = { id, other, id } }, ControlFrame.Ihave([id, other, id]));
        Same(new Control { Graft = { id } }, ControlFrame.Graft(id.Span, lastResort: false));
        Same(new Control { Graft = { other }, LastResort = true }, ControlFrame.Graft(other.Span, lastResort: true));
        Same(new Control { Nack = { id } }, ControlFrame.Nack(id.Span));
        Same(new Control { Prune = true }, ControlFrame.Prune);
        var many = Enumerable.Range(0, ControlFrameValidator.MaxIdsPerList).Select(_ => other).ToList(); // a length over 127 bytes
        Same(new Control { Ihave = { many } }, ControlFrame.Ihave(many));
    }

    [Fact]
    public void ReceivedTypes_AreShared_AndKeepNoFrameAlive()
    {
        byte[] Frame(string type) => new Message { Request = new Announce { Id = ByteString.CopyFromUtf8("id"), Hops = 0, Type = ByteString.CopyFromUtf8(type) } }.ToByteArray();
        var first = Frame("interned-type-test");
        Message a = null!;
        // The table is the process's: a test decoding other types at the same moment may take the slot in between, so
        // this asks for the same instance in one of a few tries, not in the first.
        var shared = Enumerable.Range(0, 10).Any(_ =>
            WireDecoder.TryDecode(first, out a) && WireDecoder.TryDecode(Frame("interned-type-test"), out var b) && ReferenceEquals(a.Request.Type, b.Request.Type));
        Assert.True(shared);
        Assert.Equal("interned-type-test", a.Request.Type.ToStringUtf8());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(a.Request.Type.Memory, out var segment));
        Assert.NotSame(first, segment.Array); // a copy of its own, not a slice of the frame it first came in
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
    [InlineData("1a020801")] // a control frame whose ihave is a varint (a wrong wire type)
    [InlineData("1a0418011800")] // a control frame with prune twice: the library keeps the last
    [InlineData("1a022a00")] // a control frame with an unknown field 5 of the wrong type
    [InlineData("")] // an empty message (a keep-alive)
    [InlineData("0a0408011001")] // a repeated field (hops twice): the library decides
    [InlineData("0a0408013801")] // an unknown field 7: discarded by the library, never kept in a slice
    [InlineData("0a020801")] // truncated announce
    [InlineData("0a03080110")] // truncated varint
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
            catch (MalformedFrameException)
            {
                Assert.True(TopLevelKinds(bytes) > 1); // an appended second kind: refused on purpose
                continue;
            }
            Assert.Equal(libraryError is null, decoderError is null);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData("0a02080112020801")] // a request, then a response: the library would keep the last
    [InlineData("0a001a00")] // a request, then a control frame that hides behind the request's tag
    [InlineData("1a001a00")] // two control frames
    public void MoreThanOneKindInAFrame_IsRefused(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.NotNull(Library.ParseFrom(bytes)); // valid protobuf: the library would merge, or keep the last
        Assert.Throws<MalformedFrameException>(() => WireDecoder.Parse(new ReadOnlySequence<byte>(bytes)));
    }

    [Fact]
    public void AFrameOfEmptyKinds_IsRefusedBeforeTheLibraryAllocatesAnObjectForEach()
    {
        // Regression: 0a00 then 32,767 times 1a00 (64 KiB) made the library build 32,768 messages (~5 MB, 77 times the
        // frame) and gave a control frame that the session's first-byte check for large control frames never saw.
        byte[] bytes = [0x0A, 0x00, .. Enumerable.Repeat<byte[]>([0x1A, 0x00], 32_767).SelectMany(b => b)];
        var frame = new ReadOnlySequence<byte>(bytes);
        Assert.Throws<MalformedFrameException>(() => WireDecoder.Parse(frame)); // warm
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<MalformedFrameException>(() => WireDecoder.Parse(frame));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 2 * bytes.Length + 4096);
    }

    [Fact]
    public void AControlFrameBehindAnUnknownField_IsRefusedOverTheControlLimit_AndParsedWithinIt()
    {
        static byte[] Hidden(int ids)
        {
            var control = new Control();
            for (var i = 0; i < ids; i++)
                control.Ihave.Add(ByteString.CopyFrom([(byte)i]));
            return [0x22, 0x00, .. new Message { Control = control }.ToByteArray()]; // unknown field 4 first
        }

        var large = Hidden(ControlFrameValidator.MaxFrameBytes / 3 + 1);
        Assert.True(large.Length > ControlFrameValidator.MaxFrameBytes);
        Assert.Throws<MalformedFrameException>(() => WireDecoder.Parse(new ReadOnlySequence<byte>(large)));
        Assert.Equal(3, WireDecoder.Parse(new ReadOnlySequence<byte>(Hidden(3))).Control.Ihave.Count);
    }

    /// <summary>Top-level request, response and control fields in <paramref name="bytes"/> (0 if it is not protobuf).</summary>
    private static int TopLevelKinds(byte[] bytes)
    {
        var kinds = 0;
        try
        {
            var input = new CodedInputStream(bytes);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if ((tag & 7) == 2 && (tag >> 3) is 1 or 2 or 3)
                    kinds++;
                input.SkipLastField();
            }
        }
        catch (InvalidProtocolBufferException)
        {
        }
        return kinds;
    }
}
