using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip;

/// <summary>
/// 128-bit keys for request ids in the router's large caches (seen ids, request origins). A key is a plain value:
/// the caches keep no reference to the id's bytes (fewer objects for the GC to promote and trace), and hashing or
/// comparing a key never follows a pointer, as a <see cref="ByteString"/> key does on every lookup and eviction.
/// </summary>
/// <remarks>
/// The seed is random per process (from the cryptographic generator), so a remote peer cannot choose ids that collide; by chance two ids of at most
/// 64 bytes share a 128-bit key with negligible probability, far below any other loss in gossip.
/// </remarks>
internal static class IdKeys
{
    private static readonly long Seed = BinaryPrimitives.ReadInt64LittleEndian(RandomNumberGenerator.GetBytes(sizeof(long)));

    /// <summary>The key of <paramref name="id"/>.</summary>
    public static UInt128 Of(ByteString id) => Of(id.Span);

    /// <summary>The key of the id <paramref name="id"/> (a slice of a received frame).</summary>
    public static UInt128 Of(ReadOnlySpan<byte> id) => XxHash128.HashToUInt128(id, Seed);

    /// <summary>
    /// The key of a response: (id, reply, data), as the original reuses the request's id for every answer, so id
    /// alone is not enough.
    /// </summary>
    public static UInt128 OfResponse(Announce response)
    {
        // One-shot hash over a stack copy (the parts are bounded by the wire limits): no hasher object per response.
        var size = 12 + response.Id.Length + response.Reply.Length + response.Data.Length;
        Span<byte> bytes = size <= 2048 ? stackalloc byte[2048] : new byte[size];
        var at = 0;
        foreach (var part in (ReadOnlySpan<ByteString>)[response.Id, response.Reply, response.Data])
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes[at..], part.Length);
            part.Span.CopyTo(bytes[(at + 4)..]);
            at += 4 + part.Length;
        }
        return XxHash128.HashToUInt128(bytes[..at], Seed);
    }
}
