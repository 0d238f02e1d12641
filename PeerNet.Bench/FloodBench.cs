using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PeerNet.Bench;

/// <summary>
/// <c>flood --peers P --seconds S [--hops H]</c>: one PeerNet host with its default per-peer budgets, and P peers in
/// this process each sending requests with fresh ids as fast as they can for S seconds (reconnecting when they are
/// closed). With <c>--hops 1</c> (the default) they pose as relays: their excess is dropped but they are never
/// disconnected, the worst case for the node's caches; <c>--hops 0</c> floods as origins, which are disconnected and
/// put on probation. Reports the process's working set and managed heap once a second: at the start, at most, at
/// the end, and after a full collection at the end. The flooders share the process: their own memory is fixed.
/// </summary>
internal static class FloodBench
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var peers = args.Int("peers", 10);
        var seconds = args.Int("seconds", 60);
        var hops = (uint)args.Int("hops", 1);
        var defaults = new PeerNetOptions();
        string S(double value) => value.ToString(CultureInfo.InvariantCulture);
        // The node's own defaults: a flood must meet the budgets a node in the open has (BenchHost raises them).
        await using var target = await BenchHost.StartAsync(new Dictionary<string, string?>
        {
            ["PeerNet:OriginRequestRate"] = S(defaults.OriginRequestRate),
            ["PeerNet:OriginRequestBurst"] = S(defaults.OriginRequestBurst),
            ["PeerNet:RelayedRequestRate"] = S(defaults.RelayedRequestRate),
            ["PeerNet:RelayedRequestBurst"] = S(defaults.RelayedRequestBurst),
        });
        var uri = new Uri(target.PeerAddress);
        Console.Error.WriteLine($"flood: {peers} peers flooding {uri} with hops {hops} for {seconds} s");

        using var process = Process.GetCurrentProcess();
        long WorkingSet()
        {
            process.Refresh();
            return process.WorkingSet64;
        }
        var startSet = WorkingSet();
        var startHeap = GC.GetTotalMemory(forceFullCollection: true);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var clients = Enumerable.Range(0, peers).Select(i => new FloodClient(uri, i, hops)).ToList();
        var running = clients.Select(c => Task.Run(() => c.RunAsync(stop.Token))).ToList();
        long maxSet = startSet, maxHeap = startHeap;
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            maxSet = Math.Max(maxSet, WorkingSet());
            maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(forceFullCollection: false));
            Console.Error.WriteLine($"flood: {clock.Elapsed.TotalSeconds:0} s, {clients.Sum(c => Interlocked.Read(ref c.Sent))} frames, working set {WorkingSet() / 1048576} MB");
        }
        await Task.WhenAll(running);
        var elapsed = clock.Elapsed.TotalSeconds;
        var endSet = WorkingSet();
        var endHeap = GC.GetTotalMemory(forceFullCollection: true);
        var sent = clients.Sum(c => c.Sent);
        static double Mb(long bytes) => Math.Round(bytes / 1048576.0, 1);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "flood",
            peers,
            hops,
            seconds = Math.Round(elapsed, 1),
            framesSent = sent,
            framesPerSecond = Math.Round(sent / elapsed),
            reconnects = clients.Sum(c => c.Reconnects),
            workingSetStartMB = Mb(startSet),
            workingSetMaxMB = Mb(maxSet),
            workingSetEndMB = Mb(endSet),
            heapStartMB = Mb(startHeap),
            heapMaxMB = Mb(maxHeap),
            heapEndAfterGcMB = Mb(endHeap),
        }));
        return 0;
    }
}
