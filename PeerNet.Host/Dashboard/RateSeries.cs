namespace PeerNet.Host.Dashboard;

/// <summary>The dashboard chart's series: per-second rates of sums of the node's counters.</summary>
internal static class RateSeries
{
    public static readonly string[] FramesIn = ["peernet.frames.received"];
    public static readonly string[] FramesOut = ["peernet.frames.sent"];
    public static readonly string[] BytesIn = ["peernet.bytes.received"];
    public static readonly string[] BytesOut = ["peernet.bytes.sent"];
    public static readonly string[] Announces = ["peernet.announces.received", "peernet.announces.originated"];

    /// <summary>Everything the node dropped: messages (field limits, full queues), responses, store writes, slow subscribers' requests.</summary>
    public static readonly string[] Drops =
        ["peernet.messages.dropped", "peernet.responses.dropped", "peernet.store.writes.dropped", "peernet.requests.subscriber.dropped"];

    /// <summary>The rates from sample <paramref name="a"/> to the later <paramref name="b"/>.</summary>
    public static RatePoint Between(MeterSample a, MeterSample b, IReadOnlyDictionary<string, InstrumentReading> instruments)
    {
        var seconds = (b.Time - a.Time).TotalSeconds;
        return new RatePoint(
            b.Time,
            Of(FramesIn), Of(FramesOut), Of(BytesIn), Of(BytesOut), Of(Announces), Of(Drops));

        double Of(string[] names)
        {
            double sum = 0;
            foreach (var name in names)
            {
                if (instruments.TryGetValue(name, out var reading))
                    sum += Rate(a[reading.Slot], b[reading.Slot], seconds);
            }
            return sum;
        }
    }

    /// <summary>
    /// Per second, from one total to a later one over <paramref name="seconds"/>: 0 when either is missing (an
    /// instrument published between them) or when the total went down (a counter never does).
    /// </summary>
    public static double Rate(double from, double to, double seconds) =>
        seconds <= 0 || double.IsNaN(from) || double.IsNaN(to) || to < from ? 0 : Math.Round((to - from) / seconds, 3);
}

/// <summary>One point of the rates chart: per-second rates over the second before <paramref name="Time"/>.</summary>
/// <param name="Time">When the later of the two samples was taken.</param>
/// <param name="FramesIn">Frames received from peers per second.</param>
/// <param name="FramesOut">Frames sent to peers per second.</param>
/// <param name="BytesIn">Bytes received per second.</param>
/// <param name="BytesOut">Bytes sent per second.</param>
/// <param name="Announces">Announces received or made per second.</param>
/// <param name="Drops">Messages, responses, store writes and subscribers' requests dropped per second.</param>
public sealed record RatePoint(DateTimeOffset Time, double FramesIn, double FramesOut, double BytesIn, double BytesOut, double Announces, double Drops);

/// <summary>One instrument of the node's <c>PeerNet</c> meter.</summary>
/// <param name="Name">The instrument's name (as on <c>/metrics</c>, dots for underscores).</param>
/// <param name="Kind">counter, gauge or histogram (its recordings counted).</param>
/// <param name="Unit">The unit, as the meter declares it.</param>
/// <param name="Description">What it counts.</param>
/// <param name="Value">The total (counters, recordings) or last value (gauges), summed over tags.</param>
/// <param name="Rate">Per second over the last minute (counters and histograms); null for gauges.</param>
public sealed record MeterItem(string Name, string Kind, string? Unit, string? Description, double Value, double? Rate);
