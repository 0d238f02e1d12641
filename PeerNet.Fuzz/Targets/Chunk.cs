using System.Buffers;

namespace PeerNet.Fuzz.Targets;

/// <summary>A segment of a <see cref="ReadOnlySequence{T}"/>: the frames target cuts its input into several, as a socket would.</summary>
internal sealed class Chunk : ReadOnlySequenceSegment<byte>
{
    private Chunk(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>One sequence over <paramref name="bytes"/>, a segment per length in <paramref name="lengths"/> (which sum to its length).</summary>
    public static ReadOnlySequence<byte> Sequence(byte[] bytes, IReadOnlyList<int> lengths)
    {
        if (lengths.Count == 0)
            return ReadOnlySequence<byte>.Empty;
        var first = new Chunk(bytes.AsMemory(0, lengths[0]), 0);
        var last = first;
        var start = lengths[0];
        foreach (var length in lengths.Skip(1))
        {
            var next = new Chunk(bytes.AsMemory(start, length), start);
            last.Next = next;
            last = next;
            start += length;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
