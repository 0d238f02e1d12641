using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace PeerNet.Tests.Infrastructure;

/// <summary>Reads a node's <c>PeerNet</c> meter in tests: a collector per instrument, created before the action it watches.</summary>
internal static class Meters
{
    /// <summary>Collects <paramref name="instrument"/> of the node behind <paramref name="services"/> from now on.</summary>
    public static MetricCollector<long> Collect(this IServiceProvider services, string instrument) =>
        new(services.GetRequiredService<IMeterFactory>(), PeerNetMetrics.MeterName, instrument);

    /// <summary>The sum of a counter's increments since the collector was made (those with <paramref name="tag"/> = <paramref name="value"/> only, when given).</summary>
    public static long Sum(this MetricCollector<long> collector, string? tag = null, string? value = null) =>
        collector.GetMeasurementSnapshot().Where(m => tag is null || Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);

    /// <summary>The current value of an observable instrument (summed over its tags, or those with <paramref name="tag"/> = <paramref name="value"/>).</summary>
    public static long Observe(this MetricCollector<long> collector, string? tag = null, string? value = null)
    {
        collector.Clear();
        collector.RecordObservableInstruments();
        return collector.Sum(tag, value);
    }

    private static object? GetValueOrDefault(this IReadOnlyDictionary<string, object?> tags, string key) =>
        tags.TryGetValue(key, out var v) ? v : null;
}

/// <summary>A node's meter and bounds outside a node, for tests of one component.</summary>
internal sealed class StandaloneTelemetry : IDisposable
{
    private readonly ServiceProvider _services;

    public StandaloneTelemetry(Action<PeerNetOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging().AddMetrics();
        services.AddOptions<PeerNetOptions>().Configure(o => configure?.Invoke(o));
        services.AddSingleton<PeerNetMetrics>().AddSingleton<PeerNetLimits>();
        _services = services.BuildServiceProvider();
    }

    public IServiceProvider Services => _services;

    public PeerNetMetrics Metrics => _services.GetRequiredService<PeerNetMetrics>();

    public PeerNetLimits Limits => _services.GetRequiredService<PeerNetLimits>();

    public void Dispose() => _services.Dispose();
}
