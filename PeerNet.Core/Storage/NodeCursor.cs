namespace PeerNet.Storage;

/// <summary>Paging cursors of <see cref="PeerStore.ListAsync"/>: the store key of the last address of a page.</summary>
public static class NodeCursor
{
    /// <summary>True for a lowercase hex SHA-512 (128 characters), the only shape a cursor has.</summary>
    public static bool IsValid(string cursor) =>
        cursor.Length == 128 && !cursor.AsSpan().ContainsAnyExcept("0123456789abcdef");
}
