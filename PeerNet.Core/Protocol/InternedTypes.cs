using System.IO.Hashing;
using Google.Protobuf;

namespace PeerNet.Protocol;

/// <summary>
/// The type fields of received announces, shared: most frames carry one of a few types (an application's, _hello,
/// the census), so a received type reuses the byte string an earlier frame with the same type got instead of a new
/// one per frame (two of the eight byte strings an announce round trip allocated).
/// </summary>
/// <remarks>
/// A fixed table of <see cref="Slots"/> entries by a hash of the bytes, shared by every session in the process and
/// written without a lock (a reference write is atomic; a lost race costs one copy): bounded whatever types peers
/// send, and a peer cycling through types only turns entries over. Each entry owns a copy of its bytes, so no entry
/// keeps a received frame alive.
/// </remarks>
internal static class InternedTypes
{
    private const int Slots = 64;
    private static readonly ByteString?[] Table = new ByteString?[Slots];

    /// <summary>A byte string equal to <paramref name="bytes"/>: the table's, or a new copy that then takes its slot.</summary>
    public static ByteString Of(ReadOnlySpan<byte> bytes)
    {
        var slot = (int)(XxHash3.HashToUInt64(bytes) & (Slots - 1));
        var cached = Volatile.Read(ref Table[slot]);
        if (cached is not null && cached.Span.SequenceEqual(bytes))
            return cached;
        var fresh = ByteString.CopyFrom(bytes);
        Volatile.Write(ref Table[slot], fresh);
        return fresh;
    }
}
