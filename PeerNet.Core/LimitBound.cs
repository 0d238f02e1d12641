using Microsoft.Extensions.Logging;

namespace PeerNet;

/// <summary>
/// One bound a remote peer can fill (see <see cref="PeerNetLimits"/>): its capacity, why it is that size, a counter of
/// how often it was reached (<c>peernet.limit.hits{limit}</c>), and a warning when its occupancy crosses 60% (logged
/// once, re-armed when it falls below 50%, so a bound hovering at the threshold does not flood the log).
/// </summary>
public sealed partial class LimitBound
{
    private readonly PeerNetMetrics? _metrics;
    private readonly ILogger? _logger;
    private readonly long _warnAt;
    private long _occupancy;
    private int _warned;

    internal LimitBound(string name, long capacity, string reason, string? option, PeerNetMetrics? metrics, ILogger? logger)
    {
        Name = name;
        Capacity = capacity;
        Reason = reason;
        Option = option;
        _metrics = metrics;
        _logger = logger;
        _warnAt = Math.Max(1, capacity * 6 / 10);
    }

    /// <summary>The limit's name: the metric tag and the log's.</summary>
    public string Name { get; }

    /// <summary>The bound.</summary>
    public long Capacity { get; }

    /// <summary>Why it is this size.</summary>
    public string Reason { get; }

    /// <summary>The option that sets it (<c>PeerNet:...</c>), or null for a constant.</summary>
    public string? Option { get; }

    /// <summary>The occupancy last observed (node-wide bounds only).</summary>
    public long Occupancy => Volatile.Read(ref _occupancy);

    /// <summary>True once an occupancy was observed: a node-wide bound (per-peer ones only count hits).</summary>
    public bool IsObserved { get; private set; }

    /// <summary>The bound was reached: something was refused, dropped or evicted.</summary>
    internal void Hit() => _metrics?.LimitHit(Name);

    /// <summary>Records the current occupancy; warns on crossing 60% of the bound (once until it falls below 50%).</summary>
    internal void Observe(long occupancy)
    {
        Volatile.Write(ref _occupancy, occupancy);
        IsObserved = true;
        if (occupancy >= _warnAt)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0 && _logger is not null)
                Log.Crossed(_logger, Name, occupancy, Capacity, Option ?? "a constant");
        }
        else if (occupancy * 2 < Capacity && Volatile.Read(ref _warned) == 1)
        {
            Volatile.Write(ref _warned, 0);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} = {Capacity} ({Reason})";

    private static partial class Log
    {
        // Event ids 900-909 belong to limits. Next free: 901.
        [LoggerMessage(900, LogLevel.Warning, "Limit {Limit}: {Occupancy} of {Capacity} used (over 60%; set by {Option})")]
        public static partial void Crossed(ILogger logger, string limit, long occupancy, long capacity, string option);
    }
}
