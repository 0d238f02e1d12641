using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PeerNet.Addressing;

namespace PeerNet.Storage;

/// <summary>
/// Where a learned address may live, as Bitcoin Core's addrman places it: a "new" table for addresses only learned
/// and a "tried" table for those connected to, each a fixed number of buckets of <see cref="BucketSize"/> slots. The
/// bucket is a keyed hash (a secret per node, kept in the database, so an attacker cannot aim) of the address's group
/// and, in the new table, of the source's group, so one source group reaches at most <see cref="NewBucketsPerSource"/>
/// buckets (1/16 of the new table) however many addresses it sends. The slot within a bucket is a hash of the
/// endpoint (host and port), probed on for <see cref="SlotProbes"/> positions when taken, so aliases of one endpoint
/// take at most that many slots per bucket. Explicit saves live outside it.
/// </summary>
/// <remarks>Pure: the store writes what it computes (one address per slot, by a unique index).</remarks>
public sealed class AddressTable
{
    /// <summary>Buckets of the new table.</summary>
    public const int NewBuckets = 1024;

    /// <summary>Buckets of the tried table.</summary>
    public const int TriedBuckets = 256;

    /// <summary>Slots per bucket.</summary>
    public const int BucketSize = 64;

    /// <summary>New-table buckets addresses from one source group can reach.</summary>
    public const int NewBucketsPerSource = 64;

    /// <summary>Tried-table buckets addresses of one address group can reach.</summary>
    public const int TriedBucketsPerGroup = 8;

    /// <summary>Most addresses the new table holds.</summary>
    public const int NewCapacity = NewBuckets * BucketSize;

    /// <summary>Most addresses the tried table holds.</summary>
    public const int TriedCapacity = TriedBuckets * BucketSize;

    /// <summary>
    /// Positions of a bucket a learned address may take, from its hashed one on: two honest endpoints that hash to one
    /// position both fit, and aliases of one endpoint from one source take at most this many slots of a bucket.
    /// </summary>
    public const int SlotProbes = 4;

    /// <summary>Bytes of the secret key.</summary>
    public const int KeyLength = 32;

    private readonly byte[] _key;

    /// <summary>Creates the table geometry for a node's secret key.</summary>
    public AddressTable(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeyLength)
            throw new ArgumentException($"The address table key must be {KeyLength} bytes.", nameof(key));
        _key = key.ToArray();
    }

    /// <summary>A fresh random key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyLength);

    /// <summary>The new-table slot of an address learned from a source of group <paramref name="sourceGroup"/>.</summary>
    public int NewSlot(PeerAddress address, string sourceGroup)
    {
        ArgumentNullException.ThrowIfNull(address);
        var within = Hash("new-source", AddressGroup.Of(address), sourceGroup) % NewBucketsPerSource;
        var bucket = (int)(Hash("new-bucket", sourceGroup, within.ToString(System.Globalization.CultureInfo.InvariantCulture)) % NewBuckets);
        return bucket * BucketSize + Position(bucket, address);
    }

    /// <summary>The tried-table slot of an address.</summary>
    public int TriedSlot(PeerAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var within = Hash("tried-endpoint", AddressGroup.EndpointOf(address), "") % TriedBucketsPerGroup;
        var bucket = (int)(Hash("tried-bucket", AddressGroup.Of(address), within.ToString(System.Globalization.CultureInfo.InvariantCulture)) % TriedBuckets);
        return bucket * BucketSize + Position(bucket, address);
    }

    /// <summary>The bucket of a slot.</summary>
    public static int BucketOf(int slot) => slot / BucketSize;

    private int Position(int bucket, PeerAddress address) =>
        (int)(Hash("position", bucket.ToString(System.Globalization.CultureInfo.InvariantCulture), AddressGroup.EndpointOf(address)) % BucketSize);

    // HMAC-SHA256 as the keyed hash: in the framework, and fast enough for learned addresses (a microsecond each).
    private ulong Hash(string purpose, string a, string b)
    {
        var text = string.Concat(purpose, "\n", a, "\n", b);
        Span<byte> input = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, input);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, input[..length], mac);
        return BinaryPrimitives.ReadUInt64LittleEndian(mac);
    }
}
