using System.Net;
using PeerNet.Addressing;

namespace PeerNet.Gossip;

/// <summary>
/// How many learned addresses each source may still hand this node: a token bucket per source group (a remote IP's
/// /16 or /32, each loopback IP its own, see <see cref="AddressGroup.OfSource"/>), so reconnecting does not refill it.
/// Bounded at <see cref="MaxSources"/> sources: when full, buckets that have refilled (the same as new ones) go first,
/// else the one idle longest. Thread-safe.
/// </summary>
/// <remarks>
/// Hand-written: System.Threading.RateLimiting's partitioned limiter keeps a limiter object per partition with no bound
/// on how many partitions it holds (idle ones are swept on a timer), and an attacker with many source addresses picks
/// the partitions.
/// </remarks>
public sealed class LearnBudget
{
    /// <summary>Most sources tracked at once.</summary>
    public const int MaxSources = PeerNetLimits.LearnSourceCapacity;

    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly double _rate;
    private readonly double _burst;
    private readonly TimeProvider _time;

    /// <summary>Creates a budget of <paramref name="burst"/> addresses per source, refilled at <paramref name="ratePerSecond"/>.</summary>
    public LearnBudget(double ratePerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _rate = ratePerSecond;
        _burst = burst;
        _time = time;
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
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                if (_buckets.Count >= MaxSources)
                    MakeRoom(now);
                bucket = new Bucket { Tokens = _burst, At = now };
                _buckets[key] = bucket;
            }
            bucket.Tokens = Math.Min(_burst, bucket.Tokens + _time.GetElapsedTime(bucket.At, now).TotalSeconds * _rate);
            bucket.At = now;
            if (bucket.Tokens < 1)
                return false;
            bucket.Tokens--;
            return true;
        }
    }

    private void MakeRoom(long now)
    {
        string? idlest = null;
        var idlestAt = long.MaxValue;
        var refilled = new List<string>();
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.Tokens + _time.GetElapsedTime(bucket.At, now).TotalSeconds * _rate >= _burst)
                refilled.Add(key);
            else if (bucket.At < idlestAt)
                (idlest, idlestAt) = (key, bucket.At);
        }
        foreach (var key in refilled)
            _buckets.Remove(key);
        if (refilled.Count == 0 && idlest is not null)
            _buckets.Remove(idlest);
    }

    private sealed class Bucket
    {
        public double Tokens;
        public long At;
    }
}
