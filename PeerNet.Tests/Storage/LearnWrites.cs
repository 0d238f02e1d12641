using PeerNet.Addressing;
using PeerNet.Storage;

namespace PeerNet.Tests.Storage;

/// <summary>Store writes as node exchange makes them, on a table with a fixed key.</summary>
internal static class LearnWrites
{
    public static readonly AddressTable Table = new(new byte[AddressTable.KeyLength]);

    /// <summary>A learn write: each address in its new-table slot for a source of its own group.</summary>
    public static StoreWrite Learn(params PeerAddress[] addresses) =>
        StoreWrite.Learn(addresses, addresses.Select(a => Table.NewSlot(a, AddressGroup.Of(a))).ToArray());
}
