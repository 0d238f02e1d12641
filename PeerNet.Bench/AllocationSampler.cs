using System.Diagnostics.Tracing;

namespace PeerNet.Bench;

/// <summary>
/// Which types the process allocates, from the runtime's sampled allocation events (one about every 100 KB, with the
/// type that crossed the mark): a profile without a profiler, for <c>pingpong --allocations 1</c>.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = new();
    private volatile bool _recording;

    /// <summary>Starts or stops counting (events keep arriving; only recorded ones count).</summary>
    public bool Recording
    {
        get => _recording;
        set => _recording = value;
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == RuntimeSource)
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventName != "GCAllocationTick_V4" || e.PayloadNames is null || e.Payload is null)
            return;
        var type = e.Payload[e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var bytes = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        lock (_bytesByType)
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + bytes;
    }

    /// <summary>Writes the <paramref name="top"/> types by share of the sampled bytes to stderr.</summary>
    public void Report(string bench, int top = 20)
    {
        lock (_bytesByType)
        {
            var total = Math.Max(1, _bytesByType.Values.Sum());
            foreach (var (type, bytes) in _bytesByType.OrderByDescending(p => p.Value).Take(top))
                Console.Error.WriteLine($"{bench}: allocations {100.0 * bytes / total,5:0.0}% {type}");
        }
    }
}
