using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Addressing;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Storage;

public sealed class PeerStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static PeerAddress A(string text) => PeerAddress.Parse(text);

    private static IEnumerable<PeerAddress> Many(int count, string prefix = "ws://node") =>
        Enumerable.Range(0, count).Select(i => A($"{prefix}{i}.example:8080/peer"));

    private Task<StoreHarness> StartAsync(Action<PeerNetOptions>? configure = null, TimeProvider? time = null, RandomSource? random = null) =>
        StoreHarness.StartAsync(_dir.File("peers.db"), configure, time, random);

    private static async Task<List<string>> KnownAsync(PeerStore store)
    {
        var all = new List<string>();
        await foreach (var address in store.KnownAsync())
            all.Add(address);
        return all;
    }

    [Fact]
    public async Task Save_StoresEachEndpointOnce_AndCountsOnlyNewOnes()
    {
        await using var h = await StartAsync();

        var first = await h.Store.SaveAsync([A("ws://a.example"), A("WS://A.EXAMPLE:80/"), A("tcp://b.example:9000")], TestContext.Current.CancellationToken);
        var second = await h.Store.SaveAsync([A("ws://a.example/"), A("wss://c.example/peer")], TestContext.Current.CancellationToken);

        Assert.Equal(2, first);
        Assert.Equal(1, second);
        Assert.Equal(3, h.Store.Count);
        Assert.Equal(
            new[] { "tcp://b.example:9000", "ws://a.example", "wss://c.example/peer" },
            (await KnownAsync(h.Store)).Order());
    }

    [Fact]
    public async Task Save_IsVisibleToAReadRightAfterItCompletes()
    {
        await using var h = await StartAsync();
        foreach (var address in Many(20))
        {
            await h.Store.SaveAsync([address], TestContext.Current.CancellationToken);
            Assert.NotNull(await h.Store.GetStatsAsync(address, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Remove_DeletesAddressAndItsStats_AndReportsHowManyWereKnown()
    {
        await using var h = await StartAsync();
        var a = A("ws://a.example");
        await h.Store.SaveAsync([a, A("ws://b.example")], TestContext.Current.CancellationToken);
        h.Store.TryRecord(a, StatField.ConnectionOk);
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);

        var removed = await h.Store.RemoveAsync([a, A("ws://never-known.example")], TestContext.Current.CancellationToken);

        Assert.Equal(1, removed);
        Assert.Null(await h.Store.GetStatsAsync(a, TestContext.Current.CancellationToken));
        Assert.Equal(["ws://b.example"], await KnownAsync(h.Store));
        Assert.Equal(1, h.Store.Count);
        Assert.True(await h.Store.IsRemovedAsync(a, TestContext.Current.CancellationToken));
        Assert.True(await h.Store.IsRemovedAsync(A("ws://never-known.example"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Learned_TombstonedAddress_IsNotSavedUntilTheTombstoneExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var h = await StartAsync(o => o.RemovedTtl = TimeSpan.FromHours(24), time);
        var a = A("ws://a.example");
        await h.Store.SaveAsync([a], TestContext.Current.CancellationToken);
        await h.Store.RemoveAsync([a], TestContext.Current.CancellationToken);

        h.Store.TrySaveLearned([a, A("ws://fresh.example")], source: null);
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["ws://fresh.example"], await KnownAsync(h.Store));

        time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMilliseconds(1));
        Assert.False(await h.Store.IsRemovedAsync(a, TestContext.Current.CancellationToken));
        h.Store.TrySaveLearned([a], source: null);
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Contains("ws://a.example", await KnownAsync(h.Store));
    }

    [Fact]
    public async Task ExplicitSave_LiftsTheTombstone()
    {
        await using var h = await StartAsync();
        var a = A("ws://a.example");
        await h.Store.RemoveAsync([a], TestContext.Current.CancellationToken);

        Assert.Equal(1, await h.Store.SaveAsync([a], TestContext.Current.CancellationToken));

        Assert.False(await h.Store.IsRemovedAsync(a, TestContext.Current.CancellationToken));
        await h.Store.RemoveAsync([a], TestContext.Current.CancellationToken);
        await h.Store.SaveAsync([a], TestContext.Current.CancellationToken);
        h.Store.TrySaveLearned([a], source: null); // already known: no change, no error
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["ws://a.example"], await KnownAsync(h.Store));
    }

    [Fact]
    public async Task RemovedCount_FollowsTombstones_ThroughRemovesSavesExpiryAndRestart()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var ttl = TimeSpan.FromHours(2);
        await using (var first = await StartAsync(o => o.RemovedTtl = ttl, time))
        {
            Assert.Equal(0, first.Store.RemovedCount);
            await first.Store.SaveAsync([A("ws://a.example"), A("ws://b.example")], TestContext.Current.CancellationToken);
            await first.Store.RemoveAsync([A("ws://a.example"), A("ws://b.example"), A("ws://never-known.example")], TestContext.Current.CancellationToken);
            Assert.Equal(3, first.Store.RemovedCount);
            await first.Store.RemoveAsync([A("ws://a.example")], TestContext.Current.CancellationToken); // refreshed, not counted twice
            Assert.Equal(3, first.Store.RemovedCount);
            await first.Store.SaveAsync([A("ws://b.example")], TestContext.Current.CancellationToken); // lifted
            Assert.Equal(2, first.Store.RemovedCount);
        }

        await using (var second = await StartAsync(o => o.RemovedTtl = ttl, time))
            Assert.Equal(2, second.Store.RemovedCount);

        time.Advance(ttl + TimeSpan.FromSeconds(1)); // expired tombstones are deleted when the store opens
        await using var third = await StartAsync(o => o.RemovedTtl = ttl, time);
        Assert.Equal(0, third.Store.RemovedCount);
    }

    [Fact]
    public async Task Stats_AreCountersWithLastSeenTimes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T12:00:00Z"));
        await using var h = await StartAsync(time: time);
        var a = A("ws://a.example");
        await h.Store.SaveAsync([a], TestContext.Current.CancellationToken);

        var fresh = await h.Store.GetStatsAsync(a, TestContext.Current.CancellationToken);
        Assert.Equal(new PeerStats("ws://a.example", new ConnectionStats(0, 0), new NodeExchangeStats(0, 0)), fresh);

        h.Store.TryRecord(a, StatField.ConnectionOk);
        h.Store.TryRecord(a, StatField.ConnectionOk);
        h.Store.TryRecord(a, StatField.ConnectionFail);
        h.Store.TryRecord(a, StatField.NodesRx, 7);
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(1));
        h.Store.TryRecord(a, StatField.NodesTx, 3);
        h.Store.TryRecord(a, StatField.NodesRx, 2);
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);

        var stats = await h.Store.GetStatsAsync(a, TestContext.Current.CancellationToken);
        Assert.NotNull(stats);
        Assert.Equal((2, 1), (stats.Connections.Ok, stats.Connections.Fail));
        Assert.Equal((9, 3), (stats.Nodes.Rx, stats.Nodes.Tx));
        Assert.Equal(DateTimeOffset.Parse("2026-03-01T12:00:00Z"), stats.Connections.LastOk);
        Assert.Equal(DateTimeOffset.Parse("2026-03-01T12:01:00Z"), stats.Nodes.LastRx);
        Assert.Equal(DateTimeOffset.Parse("2026-03-01T12:01:00Z"), stats.Nodes.LastTx);
    }

    [Fact]
    public async Task Stats_OfAnUnknownAddressWithoutCounters_AreNull_ButCountersAloneAreReported()
    {
        await using var h = await StartAsync();
        Assert.Null(await h.Store.GetStatsAsync(A("ws://nobody.example"), TestContext.Current.CancellationToken));

        h.Store.TryRecord(A("ws://dialled-only.example"), StatField.ConnectionFail);
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);
        var stats = await h.Store.GetStatsAsync(A("ws://dialled-only.example"), TestContext.Current.CancellationToken);
        Assert.Equal(1, stats?.Connections.Fail);
    }

    [Fact]
    public async Task BackgroundWrites_AreBatchedIntoFewTransactions()
    {
        // Fake time: the writer's linger never times out, so only the explicit flush ends the batch.
        var time = new FakeTimeProvider();
        await using var h = await StartAsync(o => o.StoreQueueCapacity = 5000, time);
        var a = A("ws://busy.example");
        await h.Store.SaveAsync([a], TestContext.Current.CancellationToken);
        var before = h.Store.CommittedBatches;

        for (var i = 0; i < 2000; i++)
            Assert.True(h.Store.TryRecord(a, StatField.NodesRx));
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2000, (await h.Store.GetStatsAsync(a, TestContext.Current.CancellationToken))!.Nodes.Rx);
        Assert.Equal(1, h.Store.CommittedBatches - before);
    }

    [Fact]
    public async Task List_PagesThroughEveryAddressOnceWithACursor()
    {
        await using var h = await StartAsync();
        await h.Store.SaveAsync(Many(253), TestContext.Current.CancellationToken);

        var pages = new List<NodePage>();
        string? after = null;
        do
        {
            var page = await h.Store.ListAsync(100, after, TestContext.Current.CancellationToken);
            pages.Add(page);
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal([100, 100, 53], pages.Select(p => p.Addresses.Count));
        var all = pages.SelectMany(p => p.Addresses).ToList();
        Assert.Equal(253, all.Distinct().Count());
        Assert.Equal(Many(253).Select(a => a.Value).Order(), all.Order());
    }

    [Fact]
    public async Task List_RejectsACursorItDidNotIssue()
    {
        await using var h = await StartAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => h.Store.ListAsync(10, "not-a-cursor", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Store.ListAsync(0, null, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Store.ListAsync(PeerStore.MaxPageSize + 1, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Known_StreamsMoreThanOnePageOfAddresses()
    {
        await using var h = await StartAsync();
        await h.Store.SaveAsync(Many(2500), TestContext.Current.CancellationToken);
        Assert.Equal(2500, (await KnownAsync(h.Store)).Distinct().Count());
    }

    [Fact]
    public async Task Sample_ReturnsDistinctKnownAddresses_WrappingAroundTheRing()
    {
        await using var h = await StartAsync(random: new RandomSource(7));
        Assert.Empty(await h.Store.SampleAsync(10, TestContext.Current.CancellationToken));

        await h.Store.SaveAsync(Many(5), TestContext.Current.CancellationToken);
        var known = (await KnownAsync(h.Store)).ToHashSet();
        for (var i = 0; i < 50; i++)
        {
            var all = await h.Store.SampleAsync(10, TestContext.Current.CancellationToken);
            Assert.Equal(5, all.Distinct().Count());
            Assert.Subset(known, all.ToHashSet());

            var three = await h.Store.SampleAsync(3, TestContext.Current.CancellationToken);
            Assert.Equal(3, three.Distinct().Count());
        }
    }

    [Fact]
    public async Task SampleVerified_TakesKnownAddressesWithARecentSuccess_Only_WrappingAroundTheRing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T12:00:00Z"));
        await using var h = await StartAsync(time: time, random: new RandomSource(11));
        var known = Many(12).ToList();
        await h.Store.SaveAsync(known, TestContext.Current.CancellationToken);
        foreach (var old in known.Take(3))
            h.Store.TryRecord(old, StatField.ConnectionOk); // verified, but two hours before the sample
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(2));
        var recent = known.Skip(3).Take(6).ToList();
        foreach (var address in recent)
            h.Store.TryRecord(address, StatField.ConnectionOk);
        foreach (var address in known.Skip(9))
            h.Store.TryRecord(address, StatField.ConnectionFail); // dialled, never answered
        h.Store.TryRecord(A("ws://dialled-only.example"), StatField.ConnectionOk); // answered, but not a known address
        h.Store.TryRecord(known[0], StatField.NodesRx, 5); // recent traffic, but its last successful dial is old
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);

        var since = time.GetUtcNow() - TimeSpan.FromHours(1);
        var expected = recent.Select(a => a.Value).Order().ToList();
        for (var i = 0; i < 30; i++)
        {
            // Whatever point on the ring it starts from, it wraps around to all of them, each once.
            Assert.Equal(expected, (await h.Store.SampleVerifiedAsync(100, since, TestContext.Current.CancellationToken)).Order());
            var four = await h.Store.SampleVerifiedAsync(4, since, TestContext.Current.CancellationToken);
            Assert.Equal(4, four.Distinct().Count());
            Assert.Subset(expected.ToHashSet(), four.ToHashSet());
        }
        Assert.Empty(await h.Store.SampleVerifiedAsync(100, time.GetUtcNow().AddMinutes(1), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task VerifiedSample_IsTheSameWithinItsWindow_ThenDrawnAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T12:00:00Z"));
        await using var h = await StartAsync(time: time);
        var first = Many(150).ToList();
        await h.Store.SaveAsync(first, TestContext.Current.CancellationToken);
        foreach (var address in first)
            h.Store.TryRecord(address, StatField.ConnectionOk);
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);
        var cache = new VerifiedSampleCache(h.Store, time, new RandomSource(5));

        var sample = await cache.GetAsync(PeerNetLimits.MaxSampleSize, TestContext.Current.CancellationToken);
        Assert.Equal(PeerNetLimits.MaxSampleSize, sample.Distinct().Count());

        // More verified addresses, and the window nearly over: still the same sample, and a smaller n is its start.
        var later = Many(20, "ws://later").ToList();
        await h.Store.SaveAsync(later, TestContext.Current.CancellationToken);
        foreach (var address in later)
            h.Store.TryRecord(address, StatField.ConnectionOk);
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);
        time.Advance(PeerNetLimits.SampleWindow - TimeSpan.FromMilliseconds(1));
        Assert.Equal(sample, await cache.GetAsync(PeerNetLimits.MaxSampleSize, TestContext.Current.CancellationToken));
        Assert.Equal(sample.Take(7), await cache.GetAsync(7, TestContext.Current.CancellationToken));

        // A new window draws again: a run of 100 of the 170 now verified on the ring, which the 20 new ones, spread
        // over the ring by their hashes, leave no gap of 100 for.
        time.Advance(TimeSpan.FromMilliseconds(1));
        var next = await cache.GetAsync(PeerNetLimits.MaxSampleSize, TestContext.Current.CancellationToken);
        Assert.NotEqual(sample, next);
        Assert.Contains(next, a => a.StartsWith("ws://later", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sample_DrawsEveryAddressWithRoughlyEqualFrequency()
    {
        const int addresses = 200, draws = 5000, size = 10;
        await using var h = await StartAsync(random: new RandomSource(12345));
        await h.Store.SaveAsync(Many(addresses), TestContext.Current.CancellationToken);

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < draws; i++)
        {
            foreach (var address in await h.Store.SampleAsync(size, TestContext.Current.CancellationToken))
                counts[address] = counts.GetValueOrDefault(address) + 1;
        }

        // Taking the next 10 keys after a random point gives each address the share of the 10 ring gaps before
        // it: mean 250 draws here, spread about a third of that. Bounds far outside that spread, so a biased
        // sampler (say, one that always starts at the lowest key) fails while a fair one passes every time.
        const double expected = (double)draws * size / addresses;
        Assert.Equal(addresses, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, expected * 0.25, expected * 2.5));
        Assert.Equal(draws * size, counts.Values.Sum());
    }

    [Fact]
    public async Task OwnAdvertisedAddresses_AreNeverStored_AndRemovedFromOlderDatabases()
    {
        await using (var before = await StartAsync())
            await before.Store.SaveAsync([A("ws://me.example:8080/peer"), A("ws://other.example")], TestContext.Current.CancellationToken);

        await using var h = await StartAsync(o => o.Advertise = ["WS://ME.example:8080/peer"]);
        Assert.Equal(["ws://other.example"], await KnownAsync(h.Store));
        Assert.Equal(0, await h.Store.SaveAsync([A("ws://me.example:8080/peer")], TestContext.Current.CancellationToken));
        h.Store.TrySaveLearned([A("ws://me.example:8080/peer")], source: null);
        await h.Store.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, h.Store.Count);
    }

    [Fact]
    public async Task Restart_OverTheSameFile_LosesNothing()
    {
        var a = A("ws://a.example");
        await using (var first = await StartAsync())
        {
            await first.Store.SaveAsync(Many(100), TestContext.Current.CancellationToken);
            await first.Store.RemoveAsync([A("ws://node0.example:8080/peer")], TestContext.Current.CancellationToken);
            first.Store.TryRecord(a, StatField.ConnectionOk, 4);
            // no flush: stopping must commit queued background writes
        }

        await using var second = await StartAsync();
        Assert.Equal(99, second.Store.Count);
        Assert.Equal(99, (await KnownAsync(second.Store)).Count);
        Assert.Equal(4, (await second.Store.GetStatsAsync(a, TestContext.Current.CancellationToken))?.Connections.Ok);
        Assert.True(await second.Store.IsRemovedAsync(A("ws://node0.example:8080/peer"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DatabaseFromTheFirstSchema_KeepsItsAddresses_WhenNodesBecomeAppendOnly()
    {
        // A database as the first release left it: Nodes keyed by ring position.
        var options = new DbContextOptionsBuilder<PeerStoreContext>()
            .UseSqlite($"Data Source={_dir.File("peers.db")}").Options;
        var saved = Many(300).ToList();
        await using (var db = new PeerStoreContext(options))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261125181607_InitialCreate", TestContext.Current.CancellationToken);
        }
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("peers.db")}"))
        {
            // Plain SQL: today's model has an Id column that this table does not.
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            foreach (var address in saved)
            {
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO Nodes (Ring, Address, AddedAt) VALUES ($ring, $address, 1)";
                insert.Parameters.AddWithValue("$ring", address.RingPosition);
                insert.Parameters.AddWithValue("$address", address.Value);
                await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using var h = await StartAsync();
        Assert.Equal(300, h.Store.Count);
        Assert.Equal(saved.Select(a => a.Value).Order(), (await KnownAsync(h.Store)).Order());
        Assert.Equal(0, await h.Store.SaveAsync(saved.Take(10), TestContext.Current.CancellationToken)); // still unique by ring position
        Assert.Equal(1, await h.Store.SaveAsync([A("ws://new.example")], TestContext.Current.CancellationToken));
        Assert.Equal(10, (await h.Store.SampleAsync(10, TestContext.Current.CancellationToken)).Distinct().Count());
        await using (var db = new PeerStoreContext(options))
        {
            var rows = await db.Nodes.Where(n => n.AddedAt == 1).Select(n => new { n.Id, n.Ring }).ToListAsync(cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(saved.Select(a => a.RingPosition).Order(), rows.Select(r => r.Ring).Order()); // times kept
            Assert.Equal(300, rows.Select(r => r.Id).Distinct().Count()); // each row got its own id
        }
    }

    [Fact]
    public async Task DatabaseWithTheRingIndex_IsUpgraded_ToTheIndexInMemory_KeepingItsAddressesAndIds()
    {
        // A database as the address-table release left it: Nodes with a unique SQL index on the ring position.
        var file = _dir.File("peers.db");
        var options = new DbContextOptionsBuilder<PeerStoreContext>().UseSqlite($"Data Source={file}").Options;
        var saved = Many(300).ToList();
        await using (var db = new PeerStoreContext(options))
            await db.GetService<IMigrator>().MigrateAsync("20261201235355_AddressTable", TestContext.Current.CancellationToken);
        using var store = StoreFile.Existing(file);
        for (var i = 0; i < saved.Count; i++)
            store.Execute($"INSERT INTO Nodes (Id, Ring, Address, AddedAt) VALUES ({i + 1}, {saved[i].RingPosition}, '{saved[i].Value}', 1)");
        Assert.Equal(1, store.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'IX_Nodes_Ring'"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        await using (var h = await StartAsync())
        {
            Assert.Equal(300, h.Store.Count);
            Assert.Equal(saved.Select(a => a.Value).Order(), (await KnownAsync(h.Store)).Order());
            Assert.Equal(0, await h.Store.SaveAsync(saved.Take(10), TestContext.Current.CancellationToken)); // still unique by ring position
            Assert.Equal(1, await h.Store.SaveAsync([A("ws://new.example")], TestContext.Current.CancellationToken));
            Assert.Equal(10, (await h.Store.SampleAsync(10, TestContext.Current.CancellationToken)).Distinct().Count());
            Assert.Equal(1, await h.Store.RemoveAsync([saved[0]], TestContext.Current.CancellationToken));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Equal(0, store.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'IX_Nodes_Ring'"));
        Assert.Equal(301, store.Scalar($"SELECT Id FROM Nodes WHERE Address = 'ws://new.example'")); // one past the largest
        Assert.Equal(300, store.Scalar("SELECT COUNT(DISTINCT Ring) FROM Nodes"));
        await using var again = await StartAsync(); // and it opens again as it was left
        Assert.Equal(300, again.Store.Count);
        Assert.Null(await again.Store.GetStatsAsync(saved[0], TestContext.Current.CancellationToken));
        Assert.NotNull(await again.Store.GetStatsAsync(saved[1], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Stop_CalledConcurrently_CommitsOnceAndLeavesAnEmptyLog()
    {
        var h = await StartAsync();
        await h.Store.SaveAsync(Many(500), TestContext.Current.CancellationToken);
        h.Store.TryRecord(A("ws://a.example"), StatField.NodesTx, 2);

        await Task.WhenAll(h.Store.StopAsync(CancellationToken.None), h.Store.StopAsync(CancellationToken.None));
        await h.DisposeAsync(); // stops a third time

        Assert.False(h.Store.IsReady);
        // SQLite may delete the log at any moment as its last connection closes: gone counts as empty.
        long walBytes;
        try { walBytes = new FileInfo(_dir.File("peers.db") + "-wal").Length; }
        catch (FileNotFoundException) { walBytes = 0; }
        Assert.True(walBytes == 0, $"the write-ahead log holds {walBytes} bytes after shutdown");
        await using var again = await StartAsync();
        Assert.Equal(500, again.Store.Count);
        Assert.Equal(2, (await again.Store.GetStatsAsync(A("ws://a.example"), TestContext.Current.CancellationToken))?.Nodes.Tx);
    }

    [Fact]
    public async Task Database_UsesWriteAheadLogging()
    {
        await using var h = await StartAsync();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dir.File("peers.db")}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DefaultLocation_CreatesTheDataFolder()
    {
        var location = new StoreLocation(null, _dir.Path);
        Assert.Equal(Path.Combine(_dir.Path, "data", "peernet.db"), location.FilePath);
        location.EnsureDirectory();
        Assert.True(Directory.Exists(Path.Combine(_dir.Path, "data")));

        var relative = new StoreLocation("Data Source=sub/x.db", _dir.Path);
        Assert.Equal(Path.Combine(_dir.Path, "sub", "x.db"), relative.FilePath);
    }
}
