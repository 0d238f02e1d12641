using System.IO.Hashing;
using Google.Protobuf;

namespace PeerNet.Gossip;

/// <summary>
/// 128-bit keys for request ids in the router's large caches (seen ids, request origins). A key is a plain value:
/// the caches keep no reference to the id's bytes (fewer objects for the GC to promote and trace), and hashing or
/// comparing a key never follows a pointer, as a <see cref="ByteString"/> key does on every lookup and eviction.
/// </summary>
/// <remarks>
/// The seed is random per process, so a remote peer cannot choose ids that collide; by chance two ids of at most
/// 64 bytes share a 128-bit key with negligible probability, far below any other loss in gossip.
/// </remarks>
internal static class IdKeys
{
    private static readonly long Seed = Random.Shared.NextInt64();

    /// <summary>The key of <paramref name="id"/>.</summary>
    public static UInt128 Of(ByteString id) => XxHash128.HashToUInt128(id.Span, Seed);
}
