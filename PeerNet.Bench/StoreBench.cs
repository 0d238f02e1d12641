using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Addressing;
using PeerNet.Storage;

namespace PeerNet.Bench;

/// <summary>
/// <c>store --addresses N</c>: batched save rate, the cost of one random sample of <c>Size</c>, then what the store holds:
/// the database file, the managed heap (the in-memory ring index is most of it), the process's peak working set, and
/// how long a restart takes to open it again (it reads every explicit row's ring position).
/// </summary>
internal static class StoreBench
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var count = args.Int("addresses", 1_000_000);
        var samples = args.Int("samples", 20_000);
        var size = args.Int("size", 10);
        var batch = args.Int("batch", 10_000);

        var folder = Path.Combine(Path.GetTempPath(), "peernet-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "store.db");
        try
        {
            await using var provider = Services(file);
            var store = provider.GetRequiredService<PeerStore>();
            await store.StartAsync(CancellationToken.None);

            var (saveSeconds, saveCpuSeconds) = await SaveAllAsync(store, count, batch);

            for (var i = 0; i < 1000; i++) // warm-up: compiled query, page cache
                await store.SampleAsync(size);
            var sampleCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var drawn = 0;
            for (var i = 0; i < samples; i++)
                drawn += (await store.SampleAsync(size)).Count;
            var sampleMicros = clock.Elapsed.TotalMicroseconds / samples;
            var sampleCpuMicros = (Process.GetCurrentProcess().TotalProcessorTime - sampleCpu).TotalMicroseconds / samples;
            Console.Error.WriteLine($"store: {samples} samples, {drawn / (double)samples:0.0} addresses each");

            var managedBytes = GC.GetTotalMemory(forceFullCollection: true);
            await store.StopAsync(CancellationToken.None);
            await provider.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var fileBytes = new FileInfo(file).Length;

            clock.Restart();
            await using (var again = Services(file))
            {
                var reopened = again.GetRequiredService<PeerStore>();
                await reopened.StartAsync(CancellationToken.None);
                var reopenSeconds = clock.Elapsed.TotalSeconds;
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    bench = "store",
                    addresses = reopened.Count,
                    savePerSecond = Math.Round(count / saveSeconds),
                    saveSeconds = Math.Round(saveSeconds, 2),
                    saveCpuMicrosPerAddress = Math.Round(saveCpuSeconds * 1e6 / count, 2),
                    sampleMicros = Math.Round(sampleMicros, 1),
                    sampleCpuMicros = Math.Round(sampleCpuMicros, 1),
                    sampleSize = size,
                    fileBytes,
                    managedBytes,
                    peakWorkingSetBytes = Process.GetCurrentProcess().PeakWorkingSet64,
                    reopenSeconds = Math.Round(reopenSeconds, 2),
                }));
                await reopened.StopAsync(CancellationToken.None);
            }
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ServiceProvider Services(string file)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPeerNet(connectionString: $"Data Source={file}");
        return services.BuildServiceProvider();
    }

    /// <summary>Saves <paramref name="count"/> distinct addresses in batches; wall and process CPU seconds of the saves alone.</summary>
    private static async Task<(double Wall, double Cpu)> SaveAllAsync(PeerStore store, int count, int batch)
    {
        var clock = Stopwatch.StartNew();
        var cpu = TimeSpan.Zero;
        var saved = 0;
        // Parsed a batch at a time outside the timed part (the figure is the store's, not the address parser's), so
        // ten million addresses are never all in memory at once.
        var addresses = new PeerAddress[batch];
        for (var offset = 0; offset < count; offset += batch)
        {
            var n = Math.Min(batch, count - offset);
            clock.Stop();
            for (var i = 0; i < n; i++)
            {
                var k = offset + i;
                addresses[i] = PeerAddress.Parse($"ws://{(k >> 24) + 10}.{(k >> 16) & 255}.{(k >> 8) & 255}.{k & 255}:{1024 + k % 60000}/peer");
                _ = addresses[i].Key;
            }
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Start();
            saved += await store.SaveAsync(new ArraySegment<PeerAddress>(addresses, 0, n));
            cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            if (offset % 1_000_000 == 0 || offset + n == count)
                Console.Error.WriteLine($"store: saved {offset + n} in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        if (saved != count)
            throw new InvalidOperationException($"saved {saved} new addresses of {count}");
        return (clock.Elapsed.TotalSeconds, cpu.TotalSeconds);
    }
}
