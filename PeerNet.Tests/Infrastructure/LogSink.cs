using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// Catches a host's Serilog events: registered as a service (<c>services: s => s.AddSingleton&lt;ILogEventSink&gt;(sink)</c>),
/// the host's logger writes to it too (ReadFrom.Services).
/// </summary>
public sealed class LogSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

    /// <summary>The rendered messages at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<string> Messages(LogEventLevel level = LogEventLevel.Verbose) =>
        [.. Events.Where(e => e.Level >= level).Select(e => e.RenderMessage())];
}
