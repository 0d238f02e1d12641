using System.Diagnostics;
using System.Text.Json;

namespace PeerNet.Bench.Testnet;

/// <summary>The bench's handle on its <see cref="TestnetAttacker"/> child process.</summary>
internal sealed class AttackerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AttackerProcess(Process process) => _process = process;

    /// <summary>Starts the attacker against <paramref name="targets"/>, impersonating <paramref name="spoof"/>; returns once it says ready.</summary>
    public static async Task<AttackerProcess> StartAsync(IReadOnlyList<TestnetNode> targets, IEnumerable<string> spoof, int conns, int stuck, int seed, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetMuxer.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            ArgumentList = { typeof(AttackerProcess).Assembly.Location },
        };
        foreach (var arg in new[]
                 {
                     "testnet-attacker", "--targets", string.Join(',', targets.Select(t => t.PeerAddress)), "--spoof", string.Join(',', spoof),
                     "--conns", conns.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--stuck", stuck.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }
        var attacker = new AttackerProcess(Process.Start(start)!);
        try
        {
            var line = await attacker._process.StandardOutput.ReadLineAsync(cancellationToken);
            if (line != "ready")
                throw new InvalidOperationException($"the attacker said '{line}', expected 'ready'");
            return attacker;
        }
        catch
        {
            await attacker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the attack (its stdin ends) and returns the attacker's counters.</summary>
    public async Task<JsonElement> StopAsync(CancellationToken cancellationToken)
    {
        _process.StandardInput.Close();
        var output = await _process.StandardOutput.ReadToEndAsync(cancellationToken);
        await _process.WaitForExitAsync(cancellationToken);
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? throw new InvalidOperationException("the attacker printed no counters");
        using var json = JsonDocument.Parse(last);
        return json.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // never started, or would not die
        }
        _process.Dispose();
    }
}
