using PeerNet.Storage;

namespace PeerNet.Tests.Storage;

/// <summary>The explicit addresses' in-memory ring index: ordered runs that split and empty, walks that wrap, pages by cursor.</summary>
public sealed class RingIndexTests
{
    private static RingIndex Empty() => RingIndex.Load([], [], 0, out _);

    private static List<RingEntry> Walk(RingIndex index, long from, int count)
    {
        var entries = new List<RingEntry>();
        index.Walk(from, count, entries);
        return entries;
    }

    [Fact]
    public void ManyRandomInsertsAndRemoves_KeepEveryEntryOnce_InRingOrder_AsASortedDictionaryDoes()
    {
        // Enough entries for many runs to fill, split and (by the removals) empty.
        var random = new Random(18);
        var index = Empty();
        var expected = new SortedDictionary<long, long>();
        for (var round = 0; round < 20; round++)
        {
            var batch = new List<RingEntry>();
            for (var i = 0; i < 2_000; i++)
            {
                var ring = random.NextInt64(long.MinValue, long.MaxValue);
                if (expected.TryAdd(ring, round * 10_000L + i))
                    batch.Add(new RingEntry(ring, expected[ring]));
            }
            index.AddRange(batch.ToArray());
            var gone = expected.Keys.Where((_, i) => i % 7 == round % 7).ToArray();
            index.RemoveRange(gone);
            foreach (var ring in gone)
                expected.Remove(ring);
        }

        Assert.Equal(expected.Count, index.Count);
        Assert.Equal(expected.Select(e => new RingEntry(e.Key, e.Value)), Walk(index, long.MinValue, int.MaxValue));
        foreach (var (ring, id) in expected.Take(500))
            Assert.True(index.TryGetId(ring, out var found) && found == id);
        var absent = Enumerable.Range(0, 100).Select(i => i * 7919L + 1).First(r => !expected.ContainsKey(r));
        Assert.False(index.TryGetId(absent, out _));
    }

    [Fact]
    public void Walk_StartsAtTheFirstEntryAtOrAfterThePoint_AndWrapsAround_TakingEachEntryOnce()
    {
        var index = Empty();
        index.AddRange([new RingEntry(10, 1), new RingEntry(20, 2), new RingEntry(30, 3)]);

        Assert.Equal([20L, 30L, 10L], Walk(index, 20, 3).Select(e => e.Ring));
        Assert.Equal([30L, 10L], Walk(index, 21, 2).Select(e => e.Ring));
        Assert.Equal([10L, 20L, 30L], Walk(index, 31, 10).Select(e => e.Ring)); // past the end: from the start, never twice
        Assert.Equal([10L, 20L], Walk(index, long.MinValue, 2).Select(e => e.Ring));
        Assert.Empty(Walk(Empty(), 5, 3));
    }

    [Fact]
    public void After_PagesInRingOrder_FromTheStartOrPastACursor_WithoutWrapping()
    {
        var index = Empty();
        index.AddRange(Enumerable.Range(1, 2_000).Select(i => new RingEntry(i * 3L, i)).Reverse().ToArray());

        var pages = new List<long>();
        long? cursor = null;
        while (true)
        {
            var page = new List<RingEntry>();
            index.After(cursor, 300, page);
            pages.AddRange(page.Select(e => e.Ring));
            if (page.Count < 300)
                break;
            cursor = page[^1].Ring;
        }
        Assert.Equal(Enumerable.Range(1, 2_000).Select(i => i * 3L), pages);

        var afterGap = new List<RingEntry>();
        index.After(4, 2, afterGap); // a cursor between entries (its entry since removed)
        Assert.Equal([6L, 9L], afterGap.Select(e => e.Ring));
    }

    [Fact]
    public void Load_SortsByRing_AndLeavesOutRepeatedRings_ReturningTheirIds()
    {
        long[] rings = [30, 10, 20, 10, 30];
        long[] ids = [1, 2, 3, 4, 5];

        var index = RingIndex.Load(rings, ids, rings.Length, out var repeated);

        Assert.Equal(3, index.Count);
        Assert.Equal([10L, 20L, 30L], Walk(index, long.MinValue, 10).Select(e => e.Ring));
        Assert.Equal(2, repeated.Count); // one of each pair stays, the other's row is to be deleted
        Assert.True(index.TryGetId(10, out var ten) && new[] { 2L, 4L }.Except(repeated).Single() == ten);
        Assert.True(index.TryGetId(30, out var thirty) && new[] { 1L, 5L }.Except(repeated).Single() == thirty);
    }
}
