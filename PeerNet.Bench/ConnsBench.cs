using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PeerNet.Bench;

/// <summary>
/// <c>conns --count N [--warm K]</c>: memory per idle handshaken connection. One full host runs in this process; a
/// child process (<see cref="ConnsClient"/>) opens K connections first (paths JIT-compiled, pools primed), then the
/// rest. The figure is the host's working-set growth (after full collections) divided by the N - K later connections.
/// <c>--settle S</c> waits S seconds (collecting) before the second measurement; <c>--hold S</c> keeps the connections
/// open S seconds after measuring (for a heap snapshot of the host).
/// </summary>
internal static class ConnsBench
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var count = args.Int("count", 1_000);
        var warm = Math.Min(args.Int("warm", Math.Max(1, count / 10)), count - 1);
        var text = (int n) => n.ToString(CultureInfo.InvariantCulture);
        await using var host = await BenchHost.StartAsync(new Dictionary<string, string?>
        {
            ["PeerNet:MaxPeers"] = text(count + 100),
            ["PeerNet:MaxPendingHandshakes"] = text(count + 100),
            ["PeerNet:MaxConnectionsPerLoopbackAddress"] = text(count + 100), // every client connection comes from 127.0.0.1
            ["PeerNet:HandshakeTimeout"] = "60000",
        });

        using var client = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                typeof(ConnsBench).Assembly.Location, "conns-client",
                "--url", host.PeerAddress, "--count", text(count), "--warm", text(warm),
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            await ExpectAsync(client, "warm");
            await BenchWait.UntilAsync(() => host.Node.ConnectionCount == warm, seconds: 60);
            var (baseline, managedBaseline) = await MeasureAsync();
            Console.Error.WriteLine($"conns: {warm} connections, working set {baseline / 1048576.0:0.0} MiB, managed {managedBaseline / 1048576.0:0.0} MiB");

            await client.StandardInput.WriteLineAsync("go");
            await client.StandardInput.FlushAsync();
            await ExpectAsync(client, "done");
            await BenchWait.UntilAsync(() => host.Node.ConnectionCount == count, seconds: 120);
            // The GC hands freed regions back to the OS over later collections, not at once: --settle S measures an
            // idle node S seconds on (collecting every 5 s), not the one that has just taken the connection burst.
            var settle = Stopwatch.StartNew();
            while (settle.Elapsed.TotalSeconds < args.Int("settle", 0))
            {
                await Task.Delay(5000);
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            }
            var (after, managedAfter) = await MeasureAsync();
            Console.Error.WriteLine($"conns: {count} connections, working set {after / 1048576.0:0.0} MiB, managed {managedAfter / 1048576.0:0.0} MiB");

            var added = count - warm;
            if (args.Int("hold", 0) is var hold and > 0)
            {
                // For a heap snapshot of the loaded host (dotnet-gcdump collect -p PID) before the connections go.
                Console.Error.WriteLine($"conns: holding {hold} s, pid {Environment.ProcessId}");
                await Task.Delay(TimeSpan.FromSeconds(hold));
            }
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                bench = "conns",
                count,
                bytesPerConnection = Math.Round((after - baseline) / (double)added),
                managedBytesPerConnection = Math.Round((managedAfter - managedBaseline) / (double)added),
                warm,
                settleSeconds = args.Int("settle", 0),
            }));
            return 0;
        }
        finally
        {
            client.StandardInput.Close(); // the client exits when its input ends
            if (!client.WaitForExit(10_000))
                client.Kill();
        }
    }

    private static async Task ExpectAsync(Process client, string line)
    {
        var got = await client.StandardOutput.ReadLineAsync();
        if (got != line)
            throw new InvalidOperationException($"conns-client said '{got}', expected '{line}'");
    }

    /// <summary>Working set and managed heap after full, compacting collections (garbage must not count as per-connection cost).</summary>
    private static async Task<(long WorkingSet, long Managed)> MeasureAsync()
    {
        await Task.Delay(1000); // let handshake work and timers settle
        for (var i = 0; i < 3; i++)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var self = Process.GetCurrentProcess();
        // Committed beyond the heap is what the collector keeps for later allocations (see PeerNet.Host.csproj).
        var info = GC.GetGCMemoryInfo();
        Console.Error.WriteLine($"conns: GC committed {info.TotalCommittedBytes / 1048576.0:0.0} MiB, heap {info.HeapSizeBytes / 1048576.0:0.0} MiB, fragmented {info.FragmentedBytes / 1048576.0:0.0} MiB, pinned objects {info.PinnedObjectsCount}");
        return (self.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }
}
