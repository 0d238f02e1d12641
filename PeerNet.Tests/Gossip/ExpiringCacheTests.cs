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
}
