using PeerNet.Addressing;

namespace PeerNet.Storage;

/// <summary>What a queued store write does.</summary>
internal enum StoreWriteKind
{
    /// <summary>An explicit save: stores the addresses and lifts their tombstones.</summary>
    Save,

    /// <summary>Addresses learned by node exchange: stored in their new-table slot unless tombstoned within the TTL.</summary>
    Learn,

    /// <summary>Removes the addresses and their stats and leaves tombstones.</summary>
    Remove,

    /// <summary>As <see cref="Remove"/>, for addresses purge found dead: their tombstones last <see cref="PeerNetOptions.PurgedTtl"/>.</summary>
    Purge,

    /// <summary>Adds to one counter of one address.</summary>
    Stat,

    /// <summary>Changes nothing; completes once everything queued before it is committed.</summary>
    Flush,

    /// <summary>Replaces the anchors: the outbound peers a restarted node dials first.</summary>
    Anchors,
}

/// <summary>One operation on the store's write queue. Explicit writes carry <see cref="Done"/>, completed after commit.</summary>
internal sealed class StoreWrite
{
    private StoreWrite(StoreWriteKind kind, IReadOnlyList<PeerAddress> addresses, StatField field, long amount, bool awaited, int[]? slots = null)
    {
        Slots = slots;
        Kind = kind;
        Addresses = addresses;
        Field = field;
        Amount = amount;
        if (awaited)
            Done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public StoreWriteKind Kind { get; }

    public IReadOnlyList<PeerAddress> Addresses { get; }

    public StatField Field { get; }

    /// <summary>For <see cref="StoreWriteKind.Learn"/>: each address's new-table slot.</summary>
    public int[]? Slots { get; }

    public long Amount { get; }

    /// <summary>Completed with the number of rows changed once the batch holding this write commits.</summary>
    public TaskCompletionSource<int>? Done { get; }

    /// <summary>Addresses this write counts for in a batch's size.</summary>
    public int Weight => Math.Max(1, Addresses.Count);

    public static StoreWrite Save(IReadOnlyList<PeerAddress> addresses) => new(StoreWriteKind.Save, addresses, default, 0, awaited: true);

    public static StoreWrite Learn(IReadOnlyList<PeerAddress> addresses, int[] slots) => new(StoreWriteKind.Learn, addresses, default, 0, awaited: false, slots);

    public static StoreWrite Remove(IReadOnlyList<PeerAddress> addresses) => new(StoreWriteKind.Remove, addresses, default, 0, awaited: true);

    public static StoreWrite Purge(IReadOnlyList<PeerAddress> addresses) => new(StoreWriteKind.Purge, addresses, default, 0, awaited: true);

    public static StoreWrite Anchors(IReadOnlyList<PeerAddress> addresses) => new(StoreWriteKind.Anchors, addresses, default, 0, awaited: false);

    public static StoreWrite Flush() => new(StoreWriteKind.Flush, [], default, 0, awaited: true);

    public static StoreWrite Stat(PeerAddress address, StatField field, long amount) =>
        new(StoreWriteKind.Stat, [address], field, amount, awaited: false);
}
