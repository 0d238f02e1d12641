using System.Buffers;
using System.IO.Pipelines;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Protocol;

/// <summary>
/// Properties of the receive path (FrameReader, WireDecoder, the validators) as PeerNetSession.ReadFrames applies it.
/// Each runs from a fixed seed (Replay), so a failure replays; FsCheck prints the failing input.
/// </summary>
public class WirePropertyTests
{
    private const int MaxFrame = ProtocolLimits.DefaultMaxFrameLength;

    /// <summary>
    /// The allocation bound for parsing and validating one frame the session parses (announces up to the frame
    /// limit, control frames up to ControlFrameValidator.MaxFrameBytes): the copy of the frame, plus at most this
    /// many bytes per frame byte. The worst cases known are runs of one-byte ids, a ByteString and an array per 3 bytes:
    /// ~22 in an announce (up to the 64 KiB frame limit: 1.4 MB), ~30 in a control frame (the list's growth on top; up
    /// to 16 KiB: 0.5 MB).
    /// </summary>
    public const int AllocatedPerFrameByte = 32;

    /// <summary>Fixed cost of a parse (the Message and Announce objects, a reader) on top of the per-byte bound.</summary>
    public const int AllocatedPerFrame = 4096;

    [Property(Replay = "(20261202,7)", MaxTest = 1000)]
    public Property AnySplitOfAFrameStream_DecodesToTheSameMessages_AsTheWholeStream() =>
        Prop.ForAll(Arb.From(StreamAndCuts()), sample =>
        {
            var (messages, stream, cuts) = sample;
            var whole = ReadAll(new ReadOnlySequence<byte>(stream));
            Assert.Equal(messages, whole);
            Assert.Equal(messages, ReadAll(Segment.Sequence(Split(stream, cuts))));
            Assert.Equal(messages, ReadThroughPipe(Split(stream, cuts)));
        });

    [Property(Replay = "(20261202,11)", MaxTest = 4000)]
    public Property AnyByteString_EndsInAFrameStatus_OrAProtocolViolation_NeverAnotherException() =>
        Prop.ForAll(Arb.From(WireGen.Hostile()), bytes =>
        {
            foreach (var cuts in new[] { Array.Empty<int>(), new[] { bytes.Length / 2 }, Enumerable.Range(1, Math.Max(0, bytes.Length - 1)).Take(64).ToArray() })
                AsTheSessionReads(Segment.Sequence(Split(bytes, cuts)), measure: false);
        });

    [Property(Replay = "(20261202,13)", MaxTest = 1000)]
    public Property ParsingAFrameTheSessionParses_AllocatesAtMostTheStatedBound() =>
        Prop.ForAll(Arb.From(Gen.OneOf(WireGen.Hostile(), WireGen.Messages().Select(WireGen.Stream))), bytes =>
        {
            Warm();
            AsTheSessionReads(new ReadOnlySequence<byte>(bytes), measure: true);
        });

    [Fact]
    public void TheKnownAmplifiers_StayWithinTheAllocationBound_AtTheLimitsTheSessionParses()
    {
        Warm();
        // The largest frames the session parses: an announce of one-byte ids at the frame limit, a control frame at its
        // own; and frames of empty kinds (refused since they cost 37 to 77 times their size).
        foreach (var payload in new[] { WireGen.Amplifier(1, MaxFrame), WireGen.Amplifier(2, MaxFrame), WireGen.Amplifier(3, ControlFrameValidator.MaxFrameBytes), WireGen.Run([0x0A, 0x00], [0x1A, 0x00], MaxFrame), WireGen.Run([0x0A, 0x00], [0x0A, 0x00], MaxFrame) })
            AsTheSessionReads(new ReadOnlySequence<byte>(WireGen.Prefixed(payload)), measure: true);
    }

    /// <summary>Valid messages, their stream, and cut points in it.</summary>
    private static Gen<(Message[] Messages, byte[] Stream, int[] Cuts)> StreamAndCuts() =>
        from messages in WireGen.Messages()
        let stream = WireGen.Stream(messages)
        from cuts in WireGen.Cuts(stream.Length)
        select (messages, stream, cuts);

    private static byte[][] Split(byte[] bytes, int[] cuts)
    {
        var parts = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order())
        {
            parts.Add(bytes[start..cut]);
            start = cut;
        }
        parts.Add(bytes[start..]);
        return parts.ToArray();
    }

    /// <summary>Every frame of a valid stream, parsed; the whole stream must be consumed.</summary>
    private static List<Message> ReadAll(ReadOnlySequence<byte> buffer)
    {
        var messages = new List<Message>();
        ReadFrames(ref buffer, messages);
        Assert.True(buffer.IsEmpty);
        return messages;
    }

    private static void ReadFrames(ref ReadOnlySequence<byte> buffer, List<Message> messages)
    {
        FrameStatus status;
        while ((status = FrameReader.TryReadFrame(ref buffer, MaxFrame, out var payload)) == FrameStatus.Frame)
            messages.Add(payload.IsEmpty ? new Message() : WireDecoder.Parse(payload));
        Assert.Equal(FrameStatus.Incomplete, status);
    }

    /// <summary>The session's path: each piece written and flushed into a Pipe, the reader handling the frames it has so far.</summary>
    private static List<Message> ReadThroughPipe(byte[][] pieces)
    {
        // No writer pause: every flush completes at once, so the property runs synchronously.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var messages = new List<Message>();
        foreach (var piece in pieces)
        {
            pipe.Writer.Write(piece);
            Assert.True(pipe.Writer.FlushAsync(TestContext.Current.CancellationToken).IsCompletedSuccessfully);
            Assert.True(pipe.Reader.TryRead(out var result));
            var buffer = result.Buffer;
            ReadFrames(ref buffer, messages);
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
        pipe.Writer.Complete();
        Assert.True(pipe.Reader.TryRead(out var end));
        Assert.True(end.Buffer.IsEmpty && end.IsCompleted);
        pipe.Reader.Complete();
        return messages;
    }

    /// <summary>
    /// What PeerNetSession.ReadFrames does with <paramref name="buffer"/> (the peer handshaken, sending control frames):
    /// frames until a status, a violation, or the end. Only InvalidProtocolBufferException and MalformedFrameException (both violations) may come out of a parse;
    /// with <paramref name="measure"/>, each parse and validation allocates within the bound.
    /// </summary>
    private static void AsTheSessionReads(ReadOnlySequence<byte> buffer, bool measure)
    {
        while (true)
        {
            var before = buffer.Length;
            var status = FrameReader.TryReadFrame(ref buffer, MaxFrame, out var payload);
            Assert.True(Enum.IsDefined(status));
            if (status != FrameStatus.Frame)
            {
                Assert.Equal(before, buffer.Length); // a status consumes nothing
                return;
            }
            Assert.True(buffer.Length < before); // a frame consumes at least its prefix: the loop ends
            if (payload.IsEmpty)
                continue;
            if (payload.FirstSpan[0] == ControlFrameValidator.Tag && payload.Length > ControlFrameValidator.MaxFrameBytes)
                continue; // discarded unparsed

            var allocated = GC.GetAllocatedBytesForCurrentThread();
            Message? message = null;
            try
            {
                message = WireDecoder.Parse(payload);
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or MalformedFrameException)
            {
                // the session's violation: it closes
            }
            var verdict = message is null ? Verdict.Violation : MessageValidator.Validate(message, ProtocolLimits.OriginalMaxHops).Verdict;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.True(Enum.IsDefined(verdict));
            if (measure)
            {
                var bound = payload.Length + (long)AllocatedPerFrameByte * payload.Length + AllocatedPerFrame;
                Assert.True(allocated <= bound, $"parsing a frame of {payload.Length} bytes allocated {allocated} bytes (bound {bound})");
            }
            if (verdict == Verdict.Violation)
                return;
        }
    }

    /// <summary>First parses of each kind load types and parsers; their one-time allocations are not the frame's.</summary>
    private static void Warm()
    {
        foreach (var message in new[] { new Message { Request = new Announce { Id = ByteString.CopyFromUtf8("x"), Hops = 1, Limit = 2 } }, new Message { Control = new Control { Ihave = { ByteString.CopyFromUtf8("x") } } } })
        {
            var frame = FrameWriter.ToFrame(message);
            WireDecoder.Parse(new ReadOnlySequence<byte>(frame, 1, frame.Length - 1));
        }
        try { WireDecoder.Parse(new ReadOnlySequence<byte>([0x0A, 0x05])); } catch (InvalidProtocolBufferException) { }
    }
}
