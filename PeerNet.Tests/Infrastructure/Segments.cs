using System.Buffers;

namespace PeerNet.Tests.Infrastructure;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> from several segments, to test parsers on split input.</summary>
public sealed class Segment : ReadOnlySequenceSegment<byte>
{
    private Segment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Sequence(params byte[][] parts)
    {
        if (parts.Length == 0)
            return ReadOnlySequence<byte>.Empty;
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            var next = new Segment(part, last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every way to cut <paramref name="bytes"/> in two, plus one segment per byte.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> Splits(byte[] bytes)
    {
        yield return Sequence(bytes);
        for (var i = 1; i < bytes.Length; i++)
            yield return Sequence(bytes[..i], bytes[i..]);
        yield return Sequence(bytes.Select(b => new[] { b }).ToArray());
    }
}
