using System.Diagnostics;
using System.Text.Json;
using PeerNet.Gossip.Announcing;

namespace PeerNet.Bench;

/// <summary>
/// <c>topics --nodes N --members M [--degree D] [--runs R] [--seed S]</c>: N real nodes over loopback WebSockets
/// (<see cref="LeanCluster"/>), M of them each holding one member of a topic; R lookups with max M from random other
/// nodes, each run twice: first (the network answers) and cached (the asker's cache answers). Per lookup: the time
/// until the M-th member arrived and the frames every node sent for it (once the network fell quiet); and, to compare,
/// the frames of one announce of the same size from the same node.
/// </summary>
internal static class TopicsBench
{
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(300);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var count = args.Int("nodes", 200);
        var members = args.Int("members", 10);
        var degree = args.Int("degree", 5);
        var runs = args.Int("runs", 10);
        var random = new Random(args.Int("seed", 1));

        var clock = Stopwatch.StartNew();
        await using var cluster = await LeanCluster.StartAsync(count, o =>
        {
            o.MaxPeers = 10_000;
            o.MaxPendingHandshakes = 10_000;
            o.MaxConnectionsPerLoopbackAddress = 10_000;
        });
        await FanoutBench.DialRandomAsync(cluster, degree, random);
        var links = await FanoutBench.WaitStableLinksAsync(cluster.Nodes);
        await Task.Delay(500); // the routers learn of their peers through their own queues
        Console.Error.WriteLine($"topics: {count} nodes, {links} links after {clock.Elapsed.TotalSeconds:0.0} s");

        var holders = Enumerable.Range(0, count).OrderBy(_ => random.Next()).Take(members).ToArray();
        var joins = new List<IAsyncDisposable>();
        foreach (var (holder, i) in holders.Select((h, i) => (h, i)))
            joins.Add(await cluster.Nodes[holder].Topics.JoinAsync("bench", [$"udp://10.0.{i / 256}.{i % 256}:7000"], TimeSpan.FromMinutes(10)));
        var askers = Enumerable.Range(0, count).Except(holders).OrderBy(_ => random.Next()).ToArray();

        // Warm-up: the first announce floods every link (all start eager) and JIT-compiles the paths.
        for (var w = 0; w < 5; w++)
            await AnnounceAsync(cluster.Nodes[askers[^(w + 1)]]);
        await WaitQuietAsync(cluster.Nodes);

        var first = new List<(double Ms, long Frames, int Found)>();
        var cached = new List<(double Ms, long Frames, int Found)>();
        var announces = new List<long>();
        for (var run = 0; run < runs; run++)
        {
            var asker = cluster.Nodes[askers[run % askers.Length]];
            first.Add(await LookupAsync(cluster.Nodes, asker, members));
            cached.Add(await LookupAsync(cluster.Nodes, asker, members));
            var before = Frames(cluster.Nodes);
            await AnnounceAsync(asker);
            await WaitQuietAsync(cluster.Nodes);
            announces.Add(Frames(cluster.Nodes) - before);
            Console.Error.WriteLine($"topics: run {run + 1}/{runs}: first {first[^1].Found} members in {first[^1].Ms:0.0} ms, {first[^1].Frames} frames; " +
                                    $"cached {cached[^1].Found} in {cached[^1].Ms:0.00} ms, {cached[^1].Frames} frames; an announce {announces[^1]} frames");
        }
        foreach (var join in joins)
            await join.DisposeAsync();

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "topics",
            nodes = count,
            members,
            runs,
            links,
            foundMin = first.Min(f => f.Found),
            firstMsMean = Math.Round(first.Average(f => f.Ms), 1),
            firstMsMax = Math.Round(first.Max(f => f.Ms), 1),
            firstFramesMean = Math.Round(first.Average(f => f.Frames), 1),
            cachedMsMean = Math.Round(cached.Average(f => f.Ms), 2),
            cachedFramesMean = Math.Round(cached.Average(f => f.Frames), 1),
            announceFramesMean = Math.Round(announces.Average(), 1),
        }));
        return 0;
    }

    private static async Task<(double Ms, long Frames, int Found)> LookupAsync(PeerNode[] nodes, PeerNode asker, int max)
    {
        var before = Frames(nodes);
        var watch = Stopwatch.StartNew();
        var found = 0;
        await foreach (var _ in asker.Topics.FindAsync("bench", max, TimeSpan.FromSeconds(10)))
            found++;
        var ms = watch.Elapsed.TotalMilliseconds;
        await WaitQuietAsync(nodes);
        return (ms, Frames(nodes) - before, found);
    }

    private static async Task AnnounceAsync(PeerNode node)
    {
        var message = new AnnounceMessage { Type = "bench"u8.ToArray(), Data = new byte[34] }; // a lookup's size
        await foreach (var _ in node.AnnounceAsync(message, TimeSpan.FromMilliseconds(200)))
        {
        }
    }

    // Every frame every node sent (copies, control frames, answers, keep-alives), over all its connections.
    private static long Frames(PeerNode[] nodes) => nodes.Sum(n => n.ConnectionTraffic().Sum(t => t.FramesSent));

    private static async Task WaitQuietAsync(PeerNode[] nodes)
    {
        var last = Frames(nodes);
        var quietSince = Stopwatch.StartNew();
        var deadline = Stopwatch.StartNew();
        while (quietSince.Elapsed < QuietPeriod && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
            var now = Frames(nodes);
            if (now != last)
            {
                last = now;
                quietSince.Restart();
            }
        }
    }
}
