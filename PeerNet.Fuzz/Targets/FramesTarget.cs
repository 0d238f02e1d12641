using System.Buffers;
using PeerNet.Protocol;

namespace PeerNet.Fuzz.Targets;

/// <summary>
/// <see cref="FrameReader"/> over a byte stream cut into arbitrary reads. Input: byte 0 seeds the cut points, byte 1 picks
/// the maximum frame length (0: the default, 255: int.MaxValue, else n x 64), the rest is the stream. The stream is
/// fed a read at a time, as the session's pipe hands it over, and must give the same frames and the same final status
/// as when read whole; an incomplete read must consume nothing, and no frame may exceed the maximum.
/// </summary>
public sealed class FramesTarget : IFuzzTarget
{
    /// <inheritdoc />
    public string Name => "frames";

    /// <inheritdoc />
    public void Run(byte[] input)
    {
        // Short inputs still read (nothing): SharpFuzz's first run under AFL may see an empty input, and a run that
        // reaches no instrumented code makes afl-fuzz refuse to start ("no instrumentation detected").
        var seed = input.Length > 0 ? input[0] : (byte)0;
        var max = (input.Length > 1 ? input[1] : 0) switch
        {
            0 => ProtocolLimits.DefaultMaxFrameLength,
            255 => int.MaxValue,
            var n => n * 64,
        };
        var stream = input.Length > 2 ? input[2..] : [];
        var whole = ReadAll(new ReadOnlySequence<byte>(stream), max);
        var cuts = Cuts(seed, stream.Length);
        var split = ReadInReads(stream, cuts, max);
        if (whole.Status != split.Status || whole.Payloads.Count != split.Payloads.Count)
            throw new FuzzFailure($"read whole: {whole.Payloads.Count} frames then {whole.Status}; read in {cuts.Count} reads: {split.Payloads.Count} frames then {split.Status}");
        for (var i = 0; i < whole.Payloads.Count; i++)
        {
            if (!whole.Payloads[i].AsSpan().SequenceEqual(split.Payloads[i]))
                throw new FuzzFailure($"frame {i} differs between the whole read and the split read");
        }
    }

    /// <summary>Read lengths from a small generator seeded by <paramref name="seed"/>: 1 to (seed % 32) + 1 bytes each.</summary>
    private static List<int> Cuts(byte seed, int length)
    {
        var random = new Random(seed);
        var cuts = new List<int>();
        for (var left = length; left > 0;)
        {
            var next = Math.Min(left, 1 + random.Next(seed % 32 + 1));
            cuts.Add(next);
            left -= next;
        }
        return cuts;
    }

    private static Outcome ReadAll(ReadOnlySequence<byte> buffer, int max)
    {
        var payloads = new List<byte[]>();
        while (true)
        {
            var status = Read(ref buffer, max, out var payload);
            if (status != FrameStatus.Frame)
                return new Outcome(payloads, status);
            payloads.Add(payload);
        }
    }

    /// <summary>As PeerSession.ReadLoopAsync: what is unconsumed stays, each read appends, frames are taken while complete.</summary>
    private static Outcome ReadInReads(byte[] stream, List<int> cuts, int max)
    {
        var all = Chunk.Sequence(stream, cuts);
        var payloads = new List<byte[]>();
        long consumed = 0, available = 0;
        var status = FrameStatus.Incomplete;
        foreach (var cut in cuts)
        {
            available += cut;
            var buffer = all.Slice(consumed, available - consumed);
            while ((status = Read(ref buffer, max, out var payload)) == FrameStatus.Frame)
                payloads.Add(payload);
            if (status != FrameStatus.Incomplete)
                return new Outcome(payloads, status);
            consumed = available - buffer.Length;
        }
        return new Outcome(payloads, status);
    }

    private static FrameStatus Read(ref ReadOnlySequence<byte> buffer, int max, out byte[] payload)
    {
        var before = buffer;
        var status = FrameReader.TryReadFrame(ref buffer, max, out var frame);
        payload = frame.ToArray();
        if (status != FrameStatus.Frame && (!buffer.Start.Equals(before.Start) || buffer.Length != before.Length))
            throw new FuzzFailure($"{status} consumed bytes");
        if (status == FrameStatus.Frame)
        {
            if (frame.Length > max)
                throw new FuzzFailure($"a frame of {frame.Length} bytes passed a maximum of {max}");
            var used = before.Length - buffer.Length;
            if (used <= frame.Length || used > frame.Length + ProtocolLimits.MaxPrefixLength)
                throw new FuzzFailure($"a frame of {frame.Length} bytes consumed {used}");
        }
        return status;
    }

    private sealed record Outcome(List<byte[]> Payloads, FrameStatus Status);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
