using PeerNet.Cli;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// Runs the <c>peernet</c> CLI in this process (its root command, as the tool's Main does), with captured output and an
/// environment of the test's own (the process's is shared by parallel tests). <see cref="StartAsync"/> runs one in the
/// background (<c>listen</c>) until stopped.
/// </summary>
public sealed class CliRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _run;

    private CliRun(string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        Console = new CliConsole(Out, Error, name => environment is not null && environment.TryGetValue(name, out var value) ? value : null);
        _run = Task.Run(() => PeerNetCli.InvokeAsync(args, Console, _stop.Token));
    }

    public CapturedText Out { get; } = new();

    public CapturedText Error { get; } = new();

    public CliConsole Console { get; }

    /// <summary>Runs <paramref name="args"/> to the end.</summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var run = new CliRun(args, environment);
        var code = await run._run.WaitAsync(TestCluster.Patience, TestContext.Current.CancellationToken);
        return (code, run.Out.ToString(), run.Error.ToString());
    }

    /// <summary>Starts <paramref name="args"/> in the background; stop it with <see cref="StopAsync"/> (or dispose).</summary>
    public static CliRun Start(string[] args, IReadOnlyDictionary<string, string>? environment = null) => new(args, environment);

    /// <summary>Interrupts the command as Ctrl+C would and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run.WaitAsync(TestCluster.Patience);
    }

    /// <summary>The exit code once the command ended by itself.</summary>
    public Task<int> Completion => _run;

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
            await StopAsync();
        _stop.Dispose();
    }
}
