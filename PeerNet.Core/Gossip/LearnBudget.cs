using System.Net;
using System.Runtime.InteropServices;
using PeerNet.Addressing;

namespace PeerNet.Gossip;

/// <summary>
/// How many learned addresses each source may still hand this node: a token bucket per source group (a remote IP's
/// /16 or /32, each loopback IP its own, see <see cref="AddressGroup.OfSource"/>), so reconnecting does not refill it.
/// Bounded at <see cref="MaxSources"/> sources: when full, buckets that have refilled (the same as new ones) go first,
/// else the one idle longest. Thread-safe.
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting's partitioned limiter: it keeps a limiter object per partition with no bound on how
/// many it holds (idle ones are swept on a timer), and an attacker with many source addresses picks the partitions.
/// </remarks>
public sealed class LearnBudget
{
    /// <summary>Most sources tracked at once.</summary>
    public const int MaxSources = PeerNetLimits.LearnSourceCapacity;

    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly double _rate;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private readonly long _start;

    /// <summary>Creates a budget of <paramref name="burst"/> addresses per source, refilled at <paramref name="ratePerSecond"/>.</summary>
    public LearnBudget(double ratePerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _rate = ratePerSecond;
        _burst = burst;
        _time = time;
        _start = time.GetTimestamp();
    }

    /// <summary>Sources tracked now.</summary>
    public int Count
    {
        get { lock (_gate) return _buckets.Count; }
    }

    /// <summary>Takes one address from the source's budget; false when it has none left.</summary>
    public bool TryTake(IPAddress? source)
    {
        var key = source is null ? "?" : AddressGroup.OfSource(source);
        var now = _time.GetElapsedTime(_start);
        lock (_gate)
        {
            if (_buckets.Count >= MaxSources && !_buckets.ContainsKey(key))
                MakeRoom(now);
            ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, key, out var exists);
            if (!exists)
                bucket = new TokenBucket(_rate, _burst);
            return bucket.TryTake(now);
        }
    }

    /// <summary>Forgets the buckets that have refilled (the same as new ones), else the one idle longest.</summary>
    private void MakeRoom(TimeSpan now)
    {
        string? idlest = null;
        var idlestAt = TimeSpan.MaxValue;
        var refilled = new List<string>();
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsFullAt(now))
                refilled.Add(key);
            else if (bucket.LastUsed < idlestAt)
                (idlest, idlestAt) = (key, bucket.LastUsed);
        }
        foreach (var key in refilled)
            _buckets.Remove(key);
        if (refilled.Count == 0 && idlest is not null)
            _buckets.Remove(idlest);
    }
}
