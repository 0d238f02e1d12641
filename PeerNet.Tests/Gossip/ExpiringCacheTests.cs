using Microsoft.Extensions.Time.Testing;
using PeerNet.Gossip;

namespace PeerNet.Tests.Gossip;

/// <summary>The bounded cache behind the router's seen ids, payloads, origins and reply handles, on a fake clock.</summary>
public sealed class ExpiringCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly long _start;

    public ExpiringCacheTests() => _start = _time.GetTimestamp();

    // The router's clock: time elapsed since it started.
    private TimeSpan Now => _time.GetElapsedTime(_start);

    private static string[] Present(ExpiringCache<string, int> cache, TimeSpan now, params string[] keys) =>
        keys.Where(k => cache.Contains(k, now)).ToArray();

    [Fact]
    public void Set_AddsANewKey_AndReplacesTheValueOfAPresentOne()
    {
        var cache = new ExpiringCache<string, int>(4, Ttl);

        Assert.True(cache.Set("a", 1, Now));
        Assert.False(cache.Set("a", 2, Now)); // present: renewed
        Assert.True(cache.TryGetValue("a", Now, out var value));
        Assert.Equal(2, value);
        Assert.False(cache.TryGetValue("b", Now, out _));
        Assert.Equal(1, cache.Count);
        Assert.Equal(0, cache.Evictions);
    }

    [Fact]
    public void AtCapacity_TheOldestIsEvictedFirst_AndEachEvictionIsCounted()
    {
        var cache = new ExpiringCache<string, int>(3, Ttl);
        foreach (var key in new[] { "a", "b", "c" })
        {
            cache.Set(key, 0, Now);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        cache.Set("d", 0, Now);
        Assert.Equal(["b", "c", "d"], Present(cache, Now, "a", "b", "c", "d"));
        Assert.Equal((3, 1L), (cache.Count, cache.Evictions));

        // Reading a key does not renew it: b, the oldest now, goes next.
        Assert.True(cache.TryGetValue("b", Now, out _));
        cache.Set("e", 0, Now);
        Assert.Equal(["c", "d", "e"], Present(cache, Now, "a", "b", "c", "d", "e"));
        Assert.Equal((3, 2L), (cache.Count, cache.Evictions));
    }

    [Fact]
    public void ARenewal_MovesTheKeyToTheBackOfTheEvictionOrder()
    {
        var cache = new ExpiringCache<string, int>(3, Ttl);
        cache.Set("a", 0, Now);
        cache.Set("b", 0, Now);
        cache.Set("c", 0, Now);

        cache.Set("a", 1, Now); // renewed: now the newest
        Assert.Equal(0, cache.Evictions);
        cache.Set("d", 0, Now);

        Assert.Equal(["a", "c", "d"], Present(cache, Now, "a", "b", "c", "d"));
        Assert.Equal((3, 1L), (cache.Count, cache.Evictions));
    }

    [Fact]
    public void AnEntryExpiresWhenItsTtlIsUp_WithoutCountingAsAnEviction()
    {
        var cache = new ExpiringCache<string, int>(4, Ttl);
        cache.Set("a", 0, Now);
        _time.Advance(TimeSpan.FromSeconds(4));
        cache.Set("b", 0, Now);

        _time.Advance(Ttl - TimeSpan.FromSeconds(4) - TimeSpan.FromTicks(1));
        Assert.Equal(["a", "b"], Present(cache, Now, "a", "b")); // a tick before a's TTL is up
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(["b"], Present(cache, Now, "a", "b"));
        Assert.Equal(1, cache.Count);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(Present(cache, Now, "a", "b"));
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Evictions);
        Assert.True(cache.Set("a", 0, Now)); // an expired key is new again
    }

    [Fact]
    public void ARenewal_RestartsTheTtl()
    {
        var cache = new ExpiringCache<string, int>(4, Ttl);
        cache.Set("a", 0, Now);
        _time.Advance(TimeSpan.FromSeconds(6));
        cache.Set("a", 1, Now);

        _time.Advance(TimeSpan.FromSeconds(6)); // 12 s after the first set, 6 s after the renewal
        Assert.True(cache.TryGetValue("a", Now, out var value));
        Assert.Equal(1, value);
        _time.Advance(TimeSpan.FromSeconds(4)); // the renewal's TTL is up
        Assert.False(cache.Contains("a", Now));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void ManyRenewals_AreCompactedAway_WithoutChangingEvictionOrExpiry()
    {
        var cache = new ExpiringCache<string, int>(4, Ttl);
        cache.Set("b", 0, Now);
        cache.Set("c", 0, Now);
        cache.Set("a", 0, Now);
        _time.Advance(TimeSpan.FromSeconds(1));
        // Each renewal leaves a stale entry in the eviction order; past twice the capacity they are compacted away.
        for (var i = 0; i < 1000; i++)
            Assert.False(cache.Set("a", i, Now));
        Assert.Equal(3, cache.Count);

        cache.Set("d", 0, Now);
        cache.Set("e", 0, Now); // full: b, the oldest live entry, goes
        Assert.Equal(["a", "c", "d", "e"], Present(cache, Now, "a", "b", "c", "d", "e"));
        Assert.Equal(1, cache.Evictions);

        _time.Advance(Ttl - TimeSpan.FromSeconds(1)); // 10 s: c's TTL is up, a's (renewed at 1 s) is not
        Assert.Equal(["a", "d", "e"], Present(cache, Now, "a", "c", "d", "e"));
        Assert.True(cache.TryGetValue("a", Now, out var value));
        Assert.Equal(999, value);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(Present(cache, Now, "a", "d", "e"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void WithOwnerShares_AnOwnerOverItsShareEvictsOnlyItsOwnEntries()
    {
        var cache = new ExpiringCache<string, int>(8, Ttl) { OwnerShare = 2 };
        cache.Set("honest-1", 0, Now, owner: 1);
        cache.Set("honest-2", 0, Now, owner: 2);
        for (var i = 0; i < 100; i++)
            cache.Set("flood-" + i, i, Now, owner: 3); // fills the free room, then evicts only its own oldest

        Assert.Equal(8, cache.Count);
        Assert.Equal(["honest-1", "honest-2"], Present(cache, Now, "honest-1", "honest-2"));
        Assert.Equal(6, cache.CountOf(3));
        Assert.Equal(Enumerable.Range(94, 6).Select(i => "flood-" + i), Present(cache, Now, Enumerable.Range(0, 100).Select(i => "flood-" + i).ToArray()));
        Assert.Equal(94, cache.Evictions);

        // An owner under its share makes room from the owner over its share, not from the cache's oldest entry.
        cache.Set("honest-3", 0, Now, owner: 1);
        Assert.Equal(["honest-1", "honest-2", "honest-3"], Present(cache, Now, "honest-1", "honest-2", "honest-3"));
        Assert.Equal(5, cache.CountOf(3));

        // Entries that age out release their owner's count.
        _time.Advance(Ttl);
        Assert.Empty(Present(cache, Now, "honest-1")); // a look-up expires what is due
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.CountOf(3));
    }

    [Fact]
    public void OwnerShares_CountedBeforeTheCacheFills_HoldOnceItIsFull()
    {
        // Until it first fills the cache keeps no per-owner logs (nothing can be evicted yet); they are made then,
        // from the entries in order, renewals included.
        var cache = new ExpiringCache<string, int>(6, Ttl, presize: 0) { OwnerShare = 2 };
        cache.Set("a", 0, Now, owner: 1);
        cache.Set("a", 0, Now, owner: 2); // renewed: now owner 2's
        cache.Set("old", 0, Now, owner: 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        cache.Set("b", 0, Now, owner: 4);
        cache.Set("f1", 0, Now, owner: 3);
        cache.Set("f2", 0, Now, owner: 3);
        cache.Set("f3", 0, Now, owner: 3);
        Assert.Equal(1, cache.CountOf(1));
        Assert.Equal(1, cache.CountOf(2));
        Assert.Equal(3, cache.CountOf(3));

        cache.Set("f4", 0, Now, owner: 3); // full: owner 3 is over its share and evicts its own oldest
        Assert.Equal(["a", "old", "b", "f2", "f3", "f4"], Present(cache, Now, "a", "old", "b", "f1", "f2", "f3", "f4"));
        cache.Set("c", 0, Now, owner: 5); // under its share: the over-share owner's oldest goes, not the cache's
        Assert.Equal(["a", "old", "b", "f3", "f4", "c"], Present(cache, Now, "a", "old", "b", "f2", "f3", "f4", "c"));
        Assert.Equal(2, cache.CountOf(3));

        _time.Advance(Ttl - TimeSpan.FromSeconds(1)); // "a" and "old" age out and release their owners
        Assert.Empty(Present(cache, Now, "a", "old"));
        Assert.Equal(0, cache.CountOf(1));
        Assert.Equal(0, cache.CountOf(2));
        Assert.Equal(2, cache.CountOf(3));
    }

    [Fact]
    public void WithoutOwnerShares_OwnersAreIgnored_AndTheOldestGoes()
    {
        var cache = new ExpiringCache<string, int>(2, Ttl);
        cache.Set("a", 0, Now, owner: 1);
        cache.Set("b", 0, Now, owner: 2);
        cache.Set("c", 0, Now, owner: 2);
        Assert.Equal(["b", "c"], Present(cache, Now, "a", "b", "c"));
        Assert.Equal(0, cache.CountOf(2));
    }
}
