using System.Net;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Addressing;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Storage;

/// <summary>The store as an address table: bounded new and tried parts, explicit saves outside them, trusted samples.</summary>
public sealed class PeerStoreTableTests : IDisposable
{
    private static readonly IPAddress Attacker = IPAddress.Parse("10.66.1.1");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PeerAddress A(string text) => PeerAddress.Parse(text);

    /// <summary>Distinct addresses in one /16 (one address group: the new table gives them one bucket per source).</summary>
    private static List<PeerAddress> Flood(int count) =>
        Enumerable.Range(0, count).Select(i => A($"ws://10.7.{i / 250 % 250}.{i % 250 + 1}:{1000 + i / 62_500}/peer")).ToList();

    /// <summary>Distinct addresses spread over many /16s (up to the source's share of buckets).</summary>
    private static List<PeerAddress> SpreadFlood(int count) =>
        Enumerable.Range(0, count).Select(i => A($"ws://{i % 200 + 1}.{i / 200 % 250}.{i / 50_000}.1:1000/peer")).ToList();

    private Task<StoreHarness> StartAsync(Action<PeerNetOptions>? configure = null, TimeProvider? time = null) =>
        StoreHarness.StartAsync(_dir.File("peers.db"), configure, time);

    private static async Task LearnAsync(PeerStore store, IEnumerable<PeerAddress> addresses, IPAddress? source)
    {
        foreach (var chunk in addresses.Chunk(500))
        {
            while (!store.TrySaveLearned(chunk, source))
                await store.FlushAsync(Ct); // the queue is bounded: wait for room as a test, never in the node
        }
        await store.FlushAsync(Ct);
    }

    [Theory]
    [InlineData(false, AddressTable.BucketSize)] // one address group from one source group: one bucket
    [InlineData(true, AddressTable.NewBucketsPerSource * AddressTable.BucketSize)] // many groups: the source's buckets
    public async Task OneSourcesFlood_FillsAtMostItsShareOfTheNewTable_AndNoExplicitSave(bool spread, int bound)
    {
        await using var h = await StartAsync();
        var honest = Enumerable.Range(0, 20).Select(i => A($"ws://127.0.0.1:{6000 + i}/peer")).ToList();
        await h.Store.SaveAsync(honest, Ct);

        await LearnAsync(h.Store, spread ? SpreadFlood(100_000) : Flood(100_000), Attacker);

        var counts = await h.Store.CountByKindAsync(Ct);
        Assert.Equal(20, counts[AddressKind.Explicit]);
        Assert.InRange(counts[AddressKind.New], bound / 2, bound);
        Assert.Equal(20 + counts[AddressKind.New], h.Store.Count);
        var known = await h.Store.KnownAsync(Ct).ToListAsync(Ct);
        Assert.All(honest, a => Assert.Contains(a.Value, known));
    }

    [Fact]
    public async Task Samples_AreAtLeastNinetyPercentTrusted_WhileTrustedAddressesLast()
    {
        await using var h = await StartAsync();
        var honest = Enumerable.Range(0, 30).Select(i => A($"ws://127.0.0.1:{6000 + i}/peer")).Select(a => a.Value).ToHashSet();
        await h.Store.SaveAsync(honest.Select(A), Ct);
        await LearnAsync(h.Store, SpreadFlood(20_000), Attacker);

        for (var round = 0; round < 20; round++)
        {
            var sample = await h.Store.SampleAsync(10, Ct);
            Assert.Equal(10, sample.Count);
            Assert.InRange(sample.Count(honest.Contains), 9, 10);
        }
        // Asked for more than the trusted part holds, a sample fills up from the new table.
        var big = await h.Store.SampleAsync(100, Ct);
        Assert.Equal(100, big.Count);
        Assert.Equal(30, big.Count(honest.Contains));
    }

    [Fact]
    public async Task SampleTrustedShare_Zero_DrawsNewAddressesFirst()
    {
        await using var h = await StartAsync(o => o.SampleTrustedShare = 0);
        await h.Store.SaveAsync([A("ws://127.0.0.1:6000")], Ct);
        await LearnAsync(h.Store, Flood(50), Attacker);
        var sample = await h.Store.SampleAsync(10, Ct);
        Assert.Equal(10, sample.Count);
        Assert.DoesNotContain("ws://127.0.0.1:6000", sample);
    }

    [Fact]
    public async Task ALearnedAddressConnectedTo_MovesToTheTriedTable()
    {
        await using var h = await StartAsync();
        var a = A("ws://10.7.0.1:1000/peer");
        await LearnAsync(h.Store, [a], Attacker);
        Assert.Equal(1, (await h.Store.CountByKindAsync(Ct))[AddressKind.New]);

        h.Store.TryRecord(a, StatField.ConnectionOk);
        await h.Store.FlushAsync(Ct);

        var counts = await h.Store.CountByKindAsync(Ct);
        Assert.Equal(0, counts[AddressKind.New]);
        Assert.Equal(1, counts[AddressKind.Tried]);
    }

    [Fact]
    public async Task AnExplicitSave_OfALearnedAddress_TakesItOutOfTheBoundedTables()
    {
        await using var h = await StartAsync();
        var a = A("ws://10.7.0.1:1000/peer");
        await LearnAsync(h.Store, [a], Attacker);

        Assert.Equal(0, await h.Store.SaveAsync([a], Ct)); // known already: not counted as new

        var counts = await h.Store.CountByKindAsync(Ct);
        Assert.Equal(1, counts[AddressKind.Explicit]);
        Assert.Equal(0, counts[AddressKind.New]);
        h.Store.TryRecord(a, StatField.ConnectionOk); // a success does not demote it to tried
        await h.Store.FlushAsync(Ct);
        Assert.Equal(1, (await h.Store.CountByKindAsync(Ct))[AddressKind.Explicit]);
    }

    [Fact]
    public async Task ATakenSlot_IsKept_UnlessItsHolderIsTerrible()
    {
        await using var h = await StartAsync();
        // Aliases of one endpoint from one source share a slot and the few after it: the first ones stay.
        var aliases = Enumerable.Range(0, AddressTable.SlotProbes + 1).Select(i => A($"ws://10.7.0.1:1000/{i}")).ToList();
        foreach (var alias in aliases)
            await LearnAsync(h.Store, [alias], Attacker);
        var known = await h.Store.KnownAsync(Ct).ToListAsync(Ct);
        Assert.Equal(aliases.Take(AddressTable.SlotProbes).Select(a => a.Value).Order(), known.Order());

        // Dialled and failed three times with no success: the holder of the hashed slot gives way.
        h.Store.TryRecord(aliases[0], StatField.ConnectionFail, 3);
        await h.Store.FlushAsync(Ct);
        await LearnAsync(h.Store, [aliases[^1]], Attacker);
        known = await h.Store.KnownAsync(Ct).ToListAsync(Ct);
        Assert.Contains(aliases[^1].Value, known);
        Assert.DoesNotContain(aliases[0].Value, known);
        Assert.Equal(AddressTable.SlotProbes, h.Store.Count);
        Assert.Null(await h.Store.GetStatsAsync(aliases[0], Ct)); // its counters went with it
    }

    [Fact]
    public async Task LearnedAddresses_KeepTheirPlaces_AcrossARestart()
    {
        var flood = Flood(3000);
        long before;
        await using (var h = await StartAsync())
        {
            await LearnAsync(h.Store, flood, Attacker);
            before = h.Store.Count;
        }
        await using (var h = await StartAsync())
        {
            // The same key after the restart: the same slots, so nothing more fits.
            await LearnAsync(h.Store, flood, Attacker);
            Assert.Equal(before, h.Store.Count);
        }
    }

    [Fact]
    public async Task APurgedAddress_IsBlockedForPurgedTtl_AnExplicitRemoveForRemovedTtl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var h = await StartAsync(o => { o.PurgedTtl = TimeSpan.FromMinutes(10); o.RemovedTtl = TimeSpan.FromHours(24); }, time);
        var purged = A("ws://10.7.0.1:1000/peer");
        var removed = A("ws://10.8.0.1:1000/peer");
        await h.Store.SaveAsync([purged, removed], Ct);
        await h.Store.PurgeAsync([purged], Ct);
        await h.Store.RemoveAsync([removed], Ct);

        await LearnAsync(h.Store, [purged, removed], Attacker);
        Assert.Equal(0, h.Store.Count);

        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromMilliseconds(1));
        Assert.False(await h.Store.IsRemovedAsync(purged, Ct));
        Assert.True(await h.Store.IsRemovedAsync(removed, Ct));
        await LearnAsync(h.Store, [purged, removed], Attacker);
        Assert.Equal([purged.Value], await h.Store.KnownAsync(Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task FailingSince_IsTheFirstFailureAfterTheLastSuccess()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var h = await StartAsync(time: time);
        var a = A("ws://127.0.0.1:6000/peer");
        await h.Store.SaveAsync([a], Ct);

        async Task<DateTimeOffset?> RecordAsync(StatField field)
        {
            h.Store.TryRecord(a, field);
            await h.Store.FlushAsync(Ct);
            time.Advance(TimeSpan.FromMinutes(1));
            return (await h.Store.GetConnectionCountsAsync([a], Ct))[a.Value].FailingSince;
        }

        var start = time.GetUtcNow();
        Assert.Equal(start, await RecordAsync(StatField.ConnectionFail));
        Assert.Equal(start, await RecordAsync(StatField.ConnectionFail)); // still the first
        Assert.Null(await RecordAsync(StatField.ConnectionOk));
        Assert.Equal(time.GetUtcNow(), await RecordAsync(StatField.ConnectionFail)); // failing again, since now
    }
}
