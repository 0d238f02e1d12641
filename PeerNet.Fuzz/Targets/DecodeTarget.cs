using System.Buffers;
using Google.Protobuf;
using PeerNet.Fuzz.Corpus;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Fuzz.Targets;

/// <summary>
/// One frame's payload through <see cref="WireDecoder"/> and the validators, as PeerSession.ReadFrames runs them (a
/// control frame over <see cref="ControlFrameValidator.MaxFrameBytes"/> is dropped unparsed there, so here too). Checks:
/// only protocol violations escape; what the hand-written fast path decodes, the library parses to an equal message;
/// parsing allocates within the bound the property tests state; an accepted announce is within the field limits.
/// </summary>
public sealed class DecodeTarget : IFuzzTarget
{
    /// <summary>Per frame byte and per frame, what a parse may allocate (as WirePropertyTests.AllocatedPerFrameByte/AllocatedPerFrame).</summary>
    public const int AllocatedPerFrameByte = 32, AllocatedPerFrame = 4096;

    private static readonly MessageParser<Message> Library = Message.Parser.WithDiscardUnknownFields(true);
    private readonly int _maxHops = new PeerNetOptions().MaxHops;

    /// <summary>Creates the target and runs each message kind once, so first-use costs are not counted as a parse's.</summary>
    public DecodeTarget()
    {
        foreach (var frame in SeedFrames.Payloads())
            Run(frame);
    }

    /// <inheritdoc />
    public string Name => "decode";

    /// <inheritdoc />
    public void Run(byte[] input)
    {
        // An empty payload (a keep-alive, which the session skips) is parsed too: SharpFuzz's first run under AFL may
        // see an empty input, and a run that reaches no instrumented code makes afl-fuzz refuse to start.
        if (input.Length > ControlFrameValidator.MaxFrameBytes && input[0] == ControlFrameValidator.Tag)
            return; // a control frame the session drops unparsed
        var fast = WireDecoder.TryDecode(input, out var decoded);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Message message;
        try
        {
            message = WireDecoder.Parse(new ReadOnlySequence<byte>(input));
        }
        catch (Exception ex) when (ProtocolViolation.Is(ex))
        {
            if (fast)
                throw new FuzzFailure($"the fast path decoded a frame the library refuses: {ex.Message}");
            return;
        }
        var validation = MessageValidator.Validate(message, _maxHops);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var bound = input.Length * (1L + AllocatedPerFrameByte) + AllocatedPerFrame;
        if (allocated > bound)
            throw new FuzzFailure($"parsing and validating {input.Length} bytes allocated {allocated} (bound {bound})");
        if (fast && !decoded.Equals(Library.ParseFrom(input)))
            throw new FuzzFailure("the fast path and the library decode the frame differently");
        if (validation.Verdict == Verdict.Accept)
            CheckAccepted(message);
    }

    private static void CheckAccepted(Message message)
    {
        var announce = message.KindCase switch
        {
            Message.KindOneofCase.Request => message.Request,
            Message.KindOneofCase.Response => message.Response,
            _ => null,
        };
        if (announce is null)
            return;
        if (!announce.HasId || !announce.HasHops || announce.Id.Length > ProtocolLimits.MaxIdLength || announce.Reply.Length > ProtocolLimits.MaxIdLength
            || announce.Type.Length > ProtocolLimits.MaxTypeLength || announce.Data.Length > ProtocolLimits.MaxDataLength)
            throw new FuzzFailure("an announce outside the field limits was accepted");
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
