using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PeerNet.Fuzz.Sessions;

/// <summary>
/// The harness node's logger: the session catches what its read loop throws and logs it ("read loop failed"), as node
/// exchange does for a failed answer, so a crash of the code under test shows here, as an entry with an exception or
/// at Error. Debug is on, so the code paths that describe refused input run too (their text is not formatted).
/// </summary>
public sealed class FaultLog : ILoggerProvider, ILogger
{
    private const int MaxKept = 16; // faults kept until the harness reads them
    private readonly ConcurrentQueue<string> _faults = new();

    /// <summary>Takes the faults logged since the last call (empty when none).</summary>
    public IReadOnlyList<string> Drain()
    {
        var faults = new List<string>();
        while (_faults.TryDequeue(out var fault))
            faults.Add(fault);
        return faults;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (exception is null && logLevel < LogLevel.Error)
            return;
        if (_faults.Count < MaxKept)
            _faults.Enqueue($"{logLevel} {eventId.Id}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
