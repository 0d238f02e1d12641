using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace PeerNet.Host.Dashboard;

/// <summary>
/// Reads this host's own <c>PeerNet</c> meter (the one its <see cref="IMeterFactory"/> made: several hosts may share
/// a process) with a <see cref="MeterListener"/>, keeping each counter's total and each gauge's last value, and
/// samples them every <see cref="Interval"/> into a bounded ring (<see cref="Capacity"/> samples: 5 minutes). Rates
/// per second are differences between samples divided by the time between them. The listener is disposed with the host.
/// </summary>
internal sealed partial class MeterSampler : BackgroundService
{
    /// <summary>Time between samples.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Samples kept: 5 minutes of rates at one per second.</summary>
    public const int Capacity = 301;

    /// <summary>The span an instrument's rate in <see cref="Instruments"/> is measured over (less while the ring is younger).</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    private readonly IMeterFactory _factory;
    private readonly TimeProvider _time;
    private readonly ILogger<MeterSampler> _logger;
    private readonly bool _enabled;
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<InstrumentReading> _readings = [];
    private readonly Dictionary<string, InstrumentReading> _byName = new(StringComparer.Ordinal);
    private readonly SampleRing _ring = new(Capacity);
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MeterSampler(IMeterFactory factory, TimeProvider time, IOptions<PeerNetOptions> options, ILogger<MeterSampler> logger)
    {
        _factory = factory;
        _time = time;
        _logger = logger;
        // With the dashboard off nothing reads the samples: no listener, no loop.
        _enabled = options.Value.Dashboard;
        if (!_enabled)
            return;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this host's node: another host in the process has a meter of the same name from its own factory.
            if (instrument.Meter.Name != PeerNetMetrics.MeterName || !ReferenceEquals(instrument.Meter.Scope, _factory))
                return;
            InstrumentReading reading;
            lock (_lock)
            {
                if (_byName.ContainsKey(instrument.Name))
                    return;
                reading = new InstrumentReading(instrument, _readings.Count);
                _readings.Add(reading);
                _byName[reading.Name] = reading;
            }
            listener.EnableMeasurementEvents(instrument, reading);
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, _, state) => ((InstrumentReading)state!).Record(value));
        _listener.SetMeasurementEventCallback<double>(static (_, value, _, state) => ((InstrumentReading)state!).Record(value));
        // Started at construction (hosted services are built before any starts), so no increment of the node's is missed.
        _listener.Start();
    }

    /// <summary>Samples taken so far.</summary>
    public long Sequence { get; private set; }

    /// <summary>Completes when the next sample has been taken (or when <paramref name="cancellationToken"/> is cancelled).</summary>
    public Task WaitForSampleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            return _next.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The rates between the last two samples; null before there are two.</summary>
    public RatePoint? LatestRate()
    {
        lock (_lock)
            return _ring.Count < 2 ? null : RateSeries.Between(_ring[_ring.Count - 2], _ring[_ring.Count - 1], _byName);
    }

    /// <summary>The rates between every two consecutive samples kept, oldest first (at most <see cref="Capacity"/> - 1).</summary>
    public IReadOnlyList<RatePoint> RateHistory()
    {
        lock (_lock)
        {
            var points = new RatePoint[Math.Max(0, _ring.Count - 1)];
            for (var i = 1; i < _ring.Count; i++)
                points[i - 1] = RateSeries.Between(_ring[i - 1], _ring[i], _byName);
            return points;
        }
    }

    /// <summary>Every instrument of the node's meter: its value at the last sample and, for totals, its rate over <see cref="RateWindow"/>.</summary>
    public IReadOnlyList<MeterItem> Instruments()
    {
        lock (_lock)
        {
            if (_ring.Count == 0)
                return [];
            var last = _ring[_ring.Count - 1];
            var from = _ring[0];
            for (var i = _ring.Count - 2; i >= 0; i--)
            {
                from = _ring[i];
                if (last.Time - from.Time >= RateWindow)
                    break;
            }
            var seconds = (last.Time - from.Time).TotalSeconds;
            return [.. _readings.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new MeterItem(
                r.Name,
                r.Kind == ReadingKind.Total ? (r.IsHistogram ? "histogram" : "counter") : "gauge",
                r.IsHistogram ? "{record}" : r.Unit,
                r.Description,
                double.IsNaN(last[r.Slot]) ? 0 : last[r.Slot],
                r.Kind == ReadingKind.Total && seconds > 0 ? RateSeries.Rate(from[r.Slot], last[r.Slot], seconds) : null))];
        }
    }

    /// <summary>Takes a sample now: observable instruments are collected, every reading is copied into the ring.</summary>
    public void Sample()
    {
        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (Exception ex)
        {
            // A callback of a component shutting down; the readings it did not update keep their last value.
            Log.CollectionFailed(_logger, ex);
        }
        TaskCompletionSource taken;
        lock (_lock)
        {
            var values = new double[_readings.Count];
            foreach (var reading in _readings)
            {
                reading.CompleteCollection();
                values[reading.Slot] = reading.Value;
            }
            _ring.Add(new MeterSample(_time.GetUtcNow(), values));
            Sequence++;
            taken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        taken.TrySetResult();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
            return;
        Sample();
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                Sample();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        // Event ids 900-999 belong to the dashboard. Next free: 901.
        [LoggerMessage(900, LogLevel.Debug, "Collecting the node's observable instruments failed")]
        public static partial void CollectionFailed(ILogger logger, Exception exception);
    }
}
