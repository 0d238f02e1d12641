using System.Diagnostics.Metrics;

namespace PeerNet.Host.Dashboard;

/// <summary>How an instrument's value is read: a running total (counters), or the last value (gauges).</summary>
internal enum ReadingKind
{
    /// <summary>A monotonic total: push counters summed, observable counters as last observed, histograms' recordings counted.</summary>
    Total,

    /// <summary>The last value observed (gauges, up-down counters), summed over tags.</summary>
    Last,
}

/// <summary>One instrument's reading, updated by the listener's callbacks (from any thread for push instruments).</summary>
internal sealed class InstrumentReading(Instrument instrument, int slot)
{
    private long _pushed;      // push counters: the sum of every increment; histograms: recordings
    private double _observing; // observable instruments: the sum over tags of the collection in progress
    private double _observed;  // observable instruments: the last complete collection

    public string Name { get; } = instrument.Name;

    public string? Unit { get; } = instrument.Unit;

    public string? Description { get; } = instrument.Description;

    /// <summary>This instrument's index in every <see cref="MeterSample"/>.</summary>
    public int Slot { get; } = slot;

    public ReadingKind Kind { get; } = instrument switch
    {
        Counter<long> or ObservableCounter<long> or Histogram<double> or Histogram<long> => ReadingKind.Total,
        _ => ReadingKind.Last,
    };

    public bool IsObservable { get; } = instrument.IsObservable;

    public bool IsHistogram { get; } = instrument is Histogram<double> or Histogram<long>;

    /// <summary>The value as of now (the last collection's, for observable instruments).</summary>
    public double Value => IsObservable ? Volatile.Read(ref _observed) : Interlocked.Read(ref _pushed);

    public void Record(double measurement)
    {
        if (IsObservable)
            _observing += measurement; // collections run on the sampler's thread only
        else if (IsHistogram)
            Interlocked.Increment(ref _pushed);
        else if (Kind == ReadingKind.Total)
            Interlocked.Add(ref _pushed, (long)measurement);
        else
            Interlocked.Exchange(ref _pushed, (long)measurement); // a push gauge: its last value
    }

    /// <summary>Ends a collection of observable instruments: what was observed becomes the value.</summary>
    public void CompleteCollection()
    {
        if (!IsObservable)
            return;
        Volatile.Write(ref _observed, _observing);
        _observing = 0;
    }
}

/// <summary>The value of every instrument at one moment, by <see cref="InstrumentReading.Slot"/> (NaN: not yet published).</summary>
internal sealed record MeterSample(DateTimeOffset Time, double[] Values)
{
    public double this[int slot] => slot < Values.Length ? Values[slot] : double.NaN;
}

/// <summary>The last <see cref="Capacity"/> samples, oldest first; adding past it drops the oldest (bounded memory).</summary>
internal sealed class SampleRing(int capacity)
{
    private readonly MeterSample[] _items = new MeterSample[capacity];
    private int _start;

    public int Capacity => _items.Length;

    public int Count { get; private set; }

    /// <summary>The <paramref name="index"/>-th sample, 0 the oldest kept.</summary>
    public MeterSample this[int index] =>
        (uint)index < (uint)Count ? _items[(_start + index) % _items.Length] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Add(MeterSample sample)
    {
        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = sample;
            Count++;
        }
        else
        {
            _items[_start] = sample;
            _start = (_start + 1) % _items.Length;
        }
    }
}
