using System.Diagnostics;

namespace PeerNet.Bench;

/// <summary>
/// Times batches of round trips until at least <see cref="MinimumTime"/> has been measured: a small count is repeated
/// so timer resolution and start-up jitter do not dominate.
/// </summary>
internal static class RoundTripTimer
{
    /// <summary>Shortest total time a figure is based on.</summary>
    public static readonly TimeSpan MinimumTime = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs <paramref name="batch"/> (which completes <paramref name="count"/> round trips) until enough time has passed;
    /// returns round trips, seconds, this process's CPU microseconds per round trip (steadier than wall time on a
    /// machine shared with other work) and managed bytes allocated per round trip (what drives GC work).
    /// </summary>
    public static async Task<(long Count, double Seconds, double CpuMicros, double AllocatedBytes)> MeasureAsync(string name, int count, Func<int, Task<long>> batch)
    {
        long done = 0;
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        do
        {
            done += await batch(count);
            Console.Error.WriteLine($"{name}: {done} round trips in {clock.Elapsed.TotalSeconds:0.00} s");
        }
        while (clock.Elapsed < MinimumTime);
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuMicros = (process.TotalProcessorTime - cpu).TotalMicroseconds / Math.Max(1, done);
        var allocatedBytes = (GC.GetTotalAllocatedBytes() - allocated) / (double)Math.Max(1, done);
        return (done, seconds, cpuMicros, allocatedBytes);
    }
}
