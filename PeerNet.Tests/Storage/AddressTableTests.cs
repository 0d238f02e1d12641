using PeerNet.Addressing;
using PeerNet.Storage;

namespace PeerNet.Tests.Storage;

public sealed class AddressTableTests
{
    private static readonly AddressTable Table = new(Enumerable.Range(1, AddressTable.KeyLength).Select(i => (byte)i).ToArray());

    private static IEnumerable<PeerAddress> FromOneSlash16(int count) =>
        Enumerable.Range(0, count).Select(i => PeerAddress.Parse($"ws://10.7.{i / 250 % 250}.{i % 250 + 1}:{1000 + i / 62_500}/peer"));

    [Fact]
    public void OneSourceGroup_ReachesAtMostItsShareOfTheNewTable_WhateverItSends()
    {
        var slots = FromOneSlash16(100_000).Select(a => Table.NewSlot(a, "4|10.7")).ToHashSet();

        var buckets = slots.Select(AddressTable.BucketOf).ToHashSet();
        Assert.InRange(buckets.Count, 1, AddressTable.NewBucketsPerSource);
        Assert.InRange(slots.Count, 1, AddressTable.NewBucketsPerSource * AddressTable.BucketSize);
        Assert.All(slots, s => Assert.InRange(s, 0, AddressTable.NewCapacity - 1));
    }

    [Fact]
    public void ManySourceGroups_SpreadOverTheWholeNewTable()
    {
        var address = PeerAddress.Parse("ws://10.7.1.1/peer");
        var buckets = Enumerable.Range(0, 4000).Select(i => AddressTable.BucketOf(Table.NewSlot(address, $"4|{i / 250}.{i % 250}"))).ToHashSet();
        Assert.True(buckets.Count > AddressTable.NewBuckets / 2, $"{buckets.Count} buckets");
    }

    [Fact]
    public void AliasesOfOneEndpoint_FromOneSource_TakeOneSlot()
    {
        var aliases = Enumerable.Range(0, 500).Select(i => PeerAddress.Parse($"ws://10.7.1.1:8080/peer{i}"));
        Assert.Single(aliases.Select(a => Table.NewSlot(a, "4|10.9")).Distinct());
    }

    [Fact]
    public void AnHonestLoopbackNetwork_OnOneIp_FitsWithoutCollisions()
    {
        // Forty nodes on 127.0.0.1, all learned from the same loopback peer: each port is its own group.
        var slots = Enumerable.Range(5000, 40).Select(p => Table.NewSlot(PeerAddress.Parse($"ws://127.0.0.1:{p}/peer"), "L|127.0.0.1")).ToList();
        Assert.True(slots.Distinct().Count() >= 38, $"{slots.Distinct().Count()} distinct slots of 40");
    }

    [Fact]
    public void TriedSlots_OfOneGroup_StayInItsFewBuckets()
    {
        var buckets = FromOneSlash16(10_000).Select(a => AddressTable.BucketOf(Table.TriedSlot(a))).ToHashSet();
        Assert.InRange(buckets.Count, 1, AddressTable.TriedBucketsPerGroup);
    }

    [Fact]
    public void TheKey_DecidesThePlaces_SoAnAttackerCannotAim()
    {
        var other = new AddressTable(new byte[AddressTable.KeyLength]);
        var addresses = FromOneSlash16(50).ToList();
        Assert.NotEqual(addresses.Select(a => Table.NewSlot(a, "4|10.7")), addresses.Select(a => other.NewSlot(a, "4|10.7")));
        Assert.Equal(addresses.Select(a => Table.NewSlot(a, "4|10.7")), addresses.Select(a => Table.NewSlot(a, "4|10.7")));
    }

    [Fact]
    public void AKeyOfTheWrongLength_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new AddressTable(new byte[16]));
}
