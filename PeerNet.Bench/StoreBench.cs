using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Addressing;
using PeerNet.Storage;

namespace PeerNet.Bench;

/// <summary><c>store --addresses N</c>: batched save rate, then the cost of one random sample of <c>Size</c>.</summary>
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
        try
        {
            var services = new ServiceCollection().AddLogging();
            services.AddPeerNet(connectionString: $"Data Source={Path.Combine(folder, "store.db")}");
            await using var provider = services.BuildServiceProvider();
            var store = provider.GetRequiredService<PeerStore>();
            await store.StartAsync(CancellationToken.None);

            // Parse outside the timed part: the figure is the store's, not the address parser's.
            Console.Error.WriteLine($"store: preparing {count} addresses");
            var addresses = new PeerAddress[count];
            for (var i = 0; i < count; i++)
                addresses[i] = PeerAddress.Parse($"ws://10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}:{1024 + i % 60000}/peer");
            foreach (var a in addresses)
                _ = a.Key;

            var clock = Stopwatch.StartNew();
            for (var offset = 0; offset < count; offset += batch)
            {
                await store.SaveAsync(new ArraySegment<PeerAddress>(addresses, offset, Math.Min(batch, count - offset)));
                if (offset % 100_000 == 0)
                    Console.Error.WriteLine($"store: saved {offset + batch} in {clock.Elapsed.TotalSeconds:0.0} s");
            }
            var saveSeconds = clock.Elapsed.TotalSeconds;

            for (var i = 0; i < 1000; i++) // warm-up: compiled query, page cache
                await store.SampleAsync(size);
            clock.Restart();
            var drawn = 0;
            for (var i = 0; i < samples; i++)
                drawn += (await store.SampleAsync(size)).Count;
            var sampleMicros = clock.Elapsed.TotalMicroseconds / samples;
            Console.Error.WriteLine($"store: {samples} samples, {drawn / (double)samples:0.0} addresses each");

            await store.StopAsync(CancellationToken.None);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                bench = "store",
                addresses = store.Count,
                savePerSecond = Math.Round(count / saveSeconds),
                sampleMicros = Math.Round(sampleMicros, 1),
                sampleSize = size,
            }));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
