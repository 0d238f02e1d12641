using PeerNet.Addressing;

namespace PeerNet.Storage;

/// <summary>
/// Paging cursors of <see cref="PeerStore.ListAsync"/>: the ring position of a page's last address, written as the
/// 16 hex characters it has in front of the address's hex SHA-512 key. URL-safe as it is.
/// </summary>
public static class NodeCursor
{
    /// <summary>True for exactly 16 lowercase hex characters, the only shape a cursor has.</summary>
    public static bool IsValid(string cursor) =>
        cursor.Length == 16 && !cursor.AsSpan().ContainsAnyExcept("0123456789abcdef");

    internal static string Encode(long ring) => PeerAddress.RingToKeyPrefix(ring);

    internal static long Decode(string cursor) => PeerAddress.RingFromKeyPrefix(cursor);
}
