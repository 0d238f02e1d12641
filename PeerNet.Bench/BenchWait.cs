using System.Diagnostics;

namespace PeerNet.Bench;

/// <summary>Waits for a condition in a bench's set-up (the tests' Wait helper lives in a project the bench cannot use).</summary>
internal static class BenchWait
{
    /// <summary>Polls <paramref name="condition"/> every 20 ms for up to <paramref name="seconds"/>; throws when it never holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds)
                throw new TimeoutException($"the nodes did not reach the expected state within {seconds} s");
            await Task.Delay(20);
        }
    }
}
