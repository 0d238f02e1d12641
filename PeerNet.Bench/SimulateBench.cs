using System.Diagnostics;
using System.Text.Json;
using PeerNet.Gossip.Dissemination;
using PeerNet.Simulation;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Bench;

/// <summary>
/// <c>simulate --nodes N --degree D --fail P --runs R [--fanout K] [--initial-eager E] [--seed S]</c>: the real
/// PlumtreeRule over the in-memory simulator (no sockets). Each node dials D random others; a share P of nodes is dead
/// (sends to them are lost, nobody knows); R announces from random live nodes, one after another, each to quiescence.
/// <c>--fanout K</c> selects the original's rule (K random peers, hop limit 15); without it the Plumtree defaults
/// (<c>--initial-eager E</c> changes how many links start eager). Frames are per live node per announce, the first
/// announce included; the peak working set is the process's.
/// </summary>
internal static class SimulateBench
{
    public static int Run(BenchArgs args)
    {
        var count = args.Int("nodes", 10_000);
        var degree = args.Int("degree", 5);
        var fail = args.Double("fail", 0);
        var runs = args.Int("runs", 20);
        var fanout = args.Int("fanout", 0);
        var seed = args.Int("seed", 1);
        var hop = TimeSpan.FromMilliseconds(args.Double("latency", 50));
        var settings = fanout > 0
            ? new DisseminationSettings { Rule = DisseminationRule.RandomFanout, Fanout = fanout, MaxHops = args.Int("max-hops", ProtocolLimits.OriginalMaxHops) }
            : new DisseminationSettings { MaxHops = args.Int("max-hops", 64), InitialEager = args.Int("initial-eager", new DisseminationSettings().InitialEager),
                GraftTimeout = TimeSpan.FromMilliseconds(args.Double("graft-timeout", new DisseminationSettings().GraftTimeout.TotalMilliseconds)),
                PruneBackoff = TimeSpan.FromSeconds(args.Double("prune-backoff", new DisseminationSettings().PruneBackoff.TotalSeconds)) };

        var clock = Stopwatch.StartNew();
        var topologyRandom = new RandomSource(seed);
        var network = new SimulatedNetwork(new RandomSource(seed + 1), hop);
        for (var i = 0; i < count; i++)
            network.AddNode(settings);
        SimulatedTopology.DialRandom(network, degree, topologyRandom);
        var dead = (int)Math.Round(fail * count);
        foreach (var node in Shuffled(count, topologyRandom).Take(dead))
            network.Kill(node);
        var live = network.Nodes.Where(n => n.IsAlive).Select(n => n.Index).ToArray();
        Console.Error.WriteLine($"simulate: {count} nodes ({live.Length} alive), {network.Nodes.Sum(n => n.Links.Count) / 2} links, " +
                                $"{settings.Rule} fanout {settings.Fanout} max hops {settings.MaxHops}; built in {clock.Elapsed.TotalSeconds:0.0} s");

        var worst = (Reached: 0, Reachable: 0, Coverage: double.MaxValue);
        var maxHops = -1;
        long steadyCopies = 0;
        var frames = default(FrameCounts);
        var first = default(FrameCounts);
        var firstDuration = TimeSpan.Zero;
        var durations = TimeSpan.Zero;
        var built = clock.Elapsed;
        var announceId = new RandomSource(seed + 2);
        for (var run = 0; run < runs; run++)
        {
            var source = live[topologyRandom.Next(live.Length)];
            var reachable = network.CountReachable(source);
            var request = new Announce
            {
                Id = Messages.NewId(announceId),
                Hops = 0,
                Type = Google.Protobuf.ByteString.CopyFromUtf8("bench"),
                Data = Google.Protobuf.ByteString.CopyFromUtf8($"announce {run}"),
            };
            var result = network.Broadcast(source, request);
            // A run's frames and timers outlive many young collections (the event queue holds them) and would pile
            // up in the old generation until its next full collection: the peak working set then measures the
            // collector's schedule more than the network. One full collection per run keeps it the network's state
            // plus one announce's garbage.
            GC.Collect();
            var coverage = result.Reached / (double)reachable;
            if (coverage < worst.Coverage)
                worst = (result.Reached, reachable, coverage);
            maxHops = Math.Max(maxHops, result.MaxHops);
            frames += result.Frames;
            durations += result.Duration;
            if (run == 0)
                (first, firstDuration) = (result.Frames, result.Duration);
            else
                steadyCopies += result.CopiesSent;
            Console.Error.WriteLine($"simulate: run {run + 1}/{runs}: {result.Reached}/{reachable} reached, max hops {result.MaxHops}, " +
                                    $"{result.CopiesSent / (double)live.Length:0.00} copies ({result.Frames.GraftAnswers / (double)live.Length:0.000} for GRAFTs) and " +
                                    $"{result.ControlFramesSent / (double)live.Length:0.00} control frames per node ({result.Frames.Prunes / (double)live.Length:0.000} PRUNEs), " +
                                    $"{result.Duration.TotalSeconds:0.0} s virtual, {clock.Elapsed.TotalSeconds:0.0} s wall, working set {Environment.WorkingSet / 1048576} MB");
        }

        var perAnnounce = (double)live.Length * runs;
        double PerNode(long count, double announces = 1) => Math.Round(count / (live.Length * announces), 3);
        object Kinds(FrameCounts f, double announces) => new
        {
            copies = PerNode(f.Copies, announces),
            graftAnswers = PerNode(f.GraftAnswers, announces),
            ihave = PerNode(f.IhaveFrames, announces),
            ihaveIds = PerNode(f.IhaveIds, announces),
            graft = PerNode(f.Grafts, announces),
            lastResortGraft = PerNode(f.LastResortGrafts, announces),
            prune = PerNode(f.Prunes, announces),
            nack = PerNode(f.Nacks, announces),
            all = PerNode(f.All, announces),
        };
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "simulate",
            nodes = count,
            alive = live.Length,
            reachable = worst.Reachable,
            reached = worst.Reached,
            coverage = Math.Round(worst.Coverage, 4),
            maxHops,
            copiesPerNode = Math.Round(frames.Copies / perAnnounce, 3),
            messagesPerNode = Math.Round(frames.All / perAnnounce, 3),
            ms = clock.ElapsedMilliseconds,
            buildMs = (long)built.TotalMilliseconds,
            peakWorkingSetMb = self.PeakWorkingSet64 / 1048576,
            liveHeapMb = GC.GetTotalMemory(forceFullCollection: true) / 1048576, // what the network holds after the runs
            initialEager = settings.Rule == DisseminationRule.Tree ? settings.InitialEager : 0,
            rule = settings.Rule.ToString(),
            degree,
            fail,
            runs,
            steadyCopiesPerNode = runs > 1 ? Math.Round(steadyCopies / ((double)live.Length * (runs - 1)), 3) : 0,
            controlPerNode = Math.Round(frames.Control / perAnnounce, 3),
            frames = Kinds(frames, runs),
            firstAnnounce = Kinds(first, 1),
            firstAnnounceSeconds = Math.Round(firstDuration.TotalSeconds, 2),
            meanAnnounceSeconds = Math.Round(durations.TotalSeconds / runs, 2),
        }, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        // --hold S: keep the network S seconds for a heap dump (dotnet-gcdump collect -p PID).
        Thread.Sleep(TimeSpan.FromSeconds(args.Double("hold", 0)));
        GC.KeepAlive(network); // the live heap above is the network's
        return 0;
    }

    private static int[] Shuffled(int count, RandomSource random)
    {
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
