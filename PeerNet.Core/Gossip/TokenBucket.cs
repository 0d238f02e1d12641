namespace PeerNet.Gossip;

/// <summary>
/// A token bucket on a caller's clock: <see cref="TryTake"/> refills by elapsed time, then takes one token.
/// </summary>
/// <remarks>
/// Hand-written rather than System.Threading.RateLimiting's TokenBucketRateLimiter: that one reads the Stopwatch (no
/// TimeProvider, so virtual-time tests cannot drive it), takes a lock per acquire and replenishes on a timer per
/// limiter. The router's buckets are touched only by its loop, one pair per session; node exchange's learning budget
/// keeps one per source under its own lock. So a plain struct does. Not thread-safe.
/// </remarks>
internal struct TokenBucket(double rate, double burst)
{
    private readonly double _rate = rate;
    private readonly double _burst = burst;
    private double _tokens = burst;
    private TimeSpan _last = TimeSpan.MinValue;

    /// <summary>Tokens left right now (without refilling).</summary>
    public readonly double Tokens => _tokens;

    /// <summary>When a token was last asked for (<see cref="TimeSpan.MinValue"/> before the first time).</summary>
    public readonly TimeSpan LastUsed => _last;

    /// <summary>True when the bucket would be full again at <paramref name="now"/>: the same as a fresh one.</summary>
    public readonly bool IsFullAt(TimeSpan now) =>
        _last == TimeSpan.MinValue || _tokens + (now - _last).TotalSeconds * _rate >= _burst;

    /// <summary>Empties the bucket (a source on probation starts with nothing to spend).</summary>
    public void Drain() => _tokens = 0;

    /// <summary>Takes one token at <paramref name="now"/>; false when the bucket is empty.</summary>
    public bool TryTake(TimeSpan now)
    {
        if (_last == TimeSpan.MinValue)
            _last = now;
        else if (now > _last)
        {
            _tokens = Math.Min(_burst, _tokens + (now - _last).TotalSeconds * _rate);
            _last = now;
        }
        if (_tokens < 1)
            return false;
        _tokens--;
        return true;
    }
}
