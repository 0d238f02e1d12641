namespace PeerNet.Gossip.Announcing;

/// <summary>
/// The delivery reports of this node's recent announces, by id: at most <see cref="Capacity"/>, each kept
/// <see cref="Ttl"/>. Thread-safe.
/// </summary>
public sealed class DeliveryReports(TimeProvider time)
{
    /// <summary>Reports kept at most; the oldest go first.</summary>
    public const int Capacity = 256;

    /// <summary>How long a report can be read after its announce was sent.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private readonly ExpiringCache<string, DeliveryReport> _reports = new(Capacity, Ttl);
    private readonly long _started = time.GetTimestamp();

    internal void Add(DeliveryReport report)
    {
        lock (_gate)
            _reports.Set(report.Id, report, time.GetElapsedTime(_started));
    }

    /// <summary>The report of announce <paramref name="id"/> (lowercase hex), or null when unknown or expired.</summary>
    public DeliveryReport? Find(string id)
    {
        lock (_gate)
            return _reports.TryGetValue(id, time.GetElapsedTime(_started), out var report) ? report : null;
    }
}
