using System.Diagnostics;
using System.Text.Json;
using PeerNet.Gossip.Announcing;
using PeerNet.Peers;

namespace PeerNet.Bench;

/// <summary>
/// <c>fanout --nodes N --degree D --runs R [--warmup W] [--seed S] [--allocations 1]</c>: N real nodes in this process over loopback WebSockets
/// (<see cref="LeanCluster"/>), each dialling D random others; R announces from random nodes, one after another.
/// Per announce: which nodes received it, how long until the last one did, and the frames the dissemination rule sent
/// (<see cref="Gossip.Dissemination.DisseminationCounters"/> summed over nodes, after the network fell quiet).
/// <c>--allocations 1</c> also lists the types the counted runs allocate most (stderr), and the bytes per node per run.
/// Warm-ups go on past <c>--warmup</c> (default 10) until one compiles no method; the runs start on a clean heap
/// after one more, and the JSON counts the collections during them (<c>gcs</c>, <c>gcPauseMs</c>). Each run's stderr
/// line gives the CPU the process used until the last arrival (twice the wall time means both cores were busy) and
/// how busy the cores stayed while the network fell quiet.
/// </summary>
internal static class FanoutBench
{
    private static readonly TimeSpan CoverageWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(300);

    /// <summary>Most warm-ups past <c>--warmup</c> while the JIT still compiles (see RunAsync).</summary>
    private const int MaxExtraWarmups = 40;

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var count = args.Int("nodes", 200);
        var degree = args.Int("degree", 5);
        var runs = args.Int("runs", 20);
        // Uncounted announces first: the first one floods every link (all start eager) and JIT-compiles the paths.
        // Ten at least, then more until one compiles nothing: each node runs its hot path only a few times per
        // announce, and tiered compilation replaces a method's quick code with optimised code only after about 30
        // calls, in the background (a core busy for seconds: early runs were 2-10x slower).
        var warmups = args.Int("warmup", 10);
        var extraWarmups = 0;
        var random = new Random(args.Int("seed", 1));

        var clock = Stopwatch.StartNew();
        await using var cluster = await LeanCluster.StartAsync(count, o =>
        {
            o.MaxPeers = 10_000;
            o.MaxPendingHandshakes = 10_000;
            o.MaxConnectionsPerLoopbackAddress = 10_000; // every node dials from 127.0.0.1
        });
        Console.Error.WriteLine($"fanout: {count} nodes started in {clock.Elapsed.TotalSeconds:0.0} s");

        var dialled = await DialRandomAsync(cluster, degree, random);
        // Crossed dials (i to j while j dials i) keep one connection: count what stands once nothing changes.
        var links = await WaitStableLinksAsync(cluster.Nodes);
        Console.Error.WriteLine($"fanout: {dialled} dials succeeded");
        await Task.Delay(500); // the routers learn of their peers through their own queues
        Console.Error.WriteLine($"fanout: {links} links handshaken after {clock.Elapsed.TotalSeconds:0.0} s");

        var recorder = new ArrivalRecorder(cluster.Nodes);
        var reachedMin = int.MaxValue;
        var maxHops = 0;
        var msMax = 0.0;
        long copies = 0, control = 0;
        using var sampler = args.Int("allocations", 0) != 0 ? new AllocationSampler() : null;
        long allocated = 0;
        int gcsBeforeRuns = 0;
        var pausedBeforeRuns = TimeSpan.Zero;
        var (collected, timing) = (false, false);
        for (var run = -warmups; run < runs; run++)
        {
            if (run == 0 && !collected)
            {
                // The timed runs start on a clean heap, as benchmark harnesses start each measurement: the set-up's
                // garbage (1,000 dials and handshakes, service providers) and the warm-ups' would otherwise be traced
                // and promoted by a collection in the middle of the first runs. Collections during the runs are
                // counted and reported (gcs, gcPauseMs). One more warm-up follows: the collection's after-effects
                // (timers that fell due during it, moved objects) land there, not in the first run.
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                collected = true;
                run = -1;
            }
            if (run == 0 && !timing)
            {
                timing = true;
                gcsBeforeRuns = GC.CollectionCount(0);
                pausedBeforeRuns = GC.GetTotalPauseDuration();
            }
            var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            var source = random.Next(count);
            var id = new byte[8];
            random.NextBytes(id);
            var (copiesBefore, controlBefore) = Totals(cluster.Nodes);
            var pausedBefore = GC.GetTotalPauseDuration();
            var gcsBefore = GC.CollectionCount(0);
            if (sampler is not null)
                sampler.Recording = run >= 0;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var started = recorder.Begin(id);
            var announcing = AnnounceAsync(cluster.Nodes[source], id);
            await recorder.WaitForAllAsync(count - 1, CoverageWait);
            var waveCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore; // until the last arrival was seen
            await announcing;
            var quietFrom = Stopwatch.GetTimestamp();
            var quietCpuFrom = Process.GetCurrentProcess().TotalProcessorTime;
            await WaitQuietAsync(cluster.Nodes);
            var idleCpuShare = (Process.GetCurrentProcess().TotalProcessorTime - quietCpuFrom) / Stopwatch.GetElapsedTime(quietFrom);
            var (copiesAfter, controlAfter) = Totals(cluster.Nodes);
            var allocatedRun = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;

            var reached = recorder.Reached + 1; // the announcer counts as one
            var ms = recorder.LastArrival(started).TotalMilliseconds;
            var gcs = $"{GC.CollectionCount(0) - gcsBefore} GCs pausing the process for {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:0} ms";
            if (run < 0)
            {
                var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
                Console.Error.WriteLine($"fanout: warm-up from node {source}: {reached}/{count} reached, last after {ms:0.0} ms, {compiled} methods compiled");
                if (run == -1 && compiled > 0 && extraWarmups < MaxExtraWarmups)
                {
                    extraWarmups++;
                    run--; // one more warm-up: the JIT is still at work
                }
                continue;
            }
            reachedMin = Math.Min(reachedMin, reached);
            maxHops = Math.Max(maxHops, recorder.MaxHops);
            msMax = Math.Max(msMax, ms);
            copies += copiesAfter - copiesBefore;
            allocated += allocatedRun;
            control += controlAfter - controlBefore;
            Console.Error.WriteLine($"fanout: run {run + 1}/{runs} from node {source}: {reached}/{count} reached, last after {ms:0.0} ms, " +
                                    $"max hops {recorder.MaxHops}, {(copiesAfter - copiesBefore) / (double)count:0.00} copies and " +
                                    $"{(controlAfter - controlBefore) / (double)count:0.00} control frames per node, " +
                                    $"{allocatedRun / (double)count:0} bytes allocated per node, {gcs}; {waveCpu.TotalMilliseconds:0} ms CPU until all were reached, {idleCpuShare:0.00} cores busy after");
        }
        if (sampler is not null)
        {
            sampler.Recording = false;
            sampler.Report("fanout");
        }

        var gcsDuringRuns = GC.CollectionCount(0) - gcsBeforeRuns;
        var gcPause = GC.GetTotalPauseDuration() - pausedBeforeRuns;
        var perAnnounce = (double)count * runs;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "fanout",
            nodes = count,
            runs,
            reachedMin,
            maxHops,
            msMax = Math.Round(msMax, 1),
            copiesPerNode = Math.Round(copies / perAnnounce, 3),
            messagesPerNode = Math.Round((copies + control) / perAnnounce, 3),
            allocatedBytesPerNode = Math.Round(allocated / perAnnounce),
            gcs = gcsDuringRuns,
            gcPauseMs = Math.Round(gcPause.TotalMilliseconds, 1),
            degree,
            links,
        }));
        return 0;
    }

    /// <summary>Each node dials <paramref name="degree"/> distinct random others; returns the links that were made.</summary>
    internal static async Task<int> DialRandomAsync(LeanCluster cluster, int degree, Random random)
    {
        var count = cluster.Nodes.Length;
        var dials = new List<(int From, int To)>();
        for (var i = 0; i < count; i++)
        {
            var targets = new HashSet<int>();
            while (targets.Count < Math.Min(degree, count - 1))
            {
                var j = random.Next(count);
                if (j != i)
                    targets.Add(j);
            }
            dials.AddRange(targets.Select(j => (i, j)));
        }
        var made = 0;
        await Parallel.ForEachAsync(dials, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (dial, ct) =>
        {
            try
            {
                await cluster.Nodes[dial.From].ConnectAsync(cluster.AddressOf(dial.To), ct);
                Interlocked.Increment(ref made);
            }
            catch (PeerConnectException ex) when (ex.Failure == PeerConnectFailure.AlreadyConnected)
            {
                // j dialled i as well: one link between them is enough.
            }
        });
        return made;
    }

    /// <summary>Handshaken links once every connection is counted at both ends and the total held still for a second.</summary>
    internal static async Task<int> WaitStableLinksAsync(PeerNode[] nodes)
    {
        var last = -1;
        var stable = Stopwatch.StartNew();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var total = nodes.Sum(n => n.ConnectionCount);
            if (total != last || total % 2 != 0)
            {
                last = total;
                stable.Restart();
            }
            else if (stable.Elapsed > TimeSpan.FromSeconds(1))
            {
                return total / 2;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the connections did not settle within 60 s");
    }

    private static async Task AnnounceAsync(PeerNode node, byte[] id)
    {
        var message = new AnnounceMessage { Id = id, Type = "fanout"u8.ToArray(), Data = new byte[16] };
        await foreach (var _ in node.AnnounceAsync(message, TimeSpan.FromMilliseconds(200)))
        {
        }
    }

    private static (long Copies, long Control) Totals(PeerNode[] nodes)
    {
        long copies = 0, control = 0;
        foreach (var node in nodes)
        {
            copies += node.Announces.Dissemination.CopiesSent;
            control += node.Announces.Dissemination.ControlFramesSent;
        }
        return (copies, control);
    }

    /// <summary>Waits until no node sent a frame for <see cref="QuietPeriod"/> (IHAVEs and repairs come after the copies).</summary>
    private static async Task WaitQuietAsync(PeerNode[] nodes)
    {
        var last = Totals(nodes);
        var quietSince = Stopwatch.StartNew();
        var deadline = Stopwatch.StartNew();
        while (quietSince.Elapsed < QuietPeriod && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
            var now = Totals(nodes);
            if (now != last)
            {
                last = now;
                quietSince.Restart();
            }
        }
    }

    /// <summary>Records, per node, when the current announce first reached it (on each node's router loop).</summary>
    private sealed class ArrivalRecorder
    {
        private readonly long[] _arrivals;
        private readonly uint[] _hops;
        private byte[] _id = [];
        private int _reached;
        private TaskCompletionSource _all = new();
        private int _expected;

        public ArrivalRecorder(PeerNode[] nodes)
        {
            _arrivals = new long[nodes.Length];
            _hops = new uint[nodes.Length];
            for (var i = 0; i < nodes.Length; i++)
            {
                var index = i;
                nodes[i].RequestReceived += request => OnRequest(index, request);
            }
        }

        public int Reached => Volatile.Read(ref _reached);

        public int MaxHops => (int)_hops.Max();

        /// <summary>Starts recording <paramref name="id"/>; returns the start timestamp.</summary>
        public long Begin(byte[] id)
        {
            Array.Clear(_arrivals);
            Array.Clear(_hops);
            _reached = 0;
            _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _id, id);
            return Stopwatch.GetTimestamp();
        }

        public async Task WaitForAllAsync(int expected, TimeSpan timeout)
        {
            Volatile.Write(ref _expected, expected);
            if (Reached >= expected)
                return;
            await Task.WhenAny(_all.Task, Task.Delay(timeout));
        }

        public TimeSpan LastArrival(long started) =>
            _arrivals.Max() is var last and > 0 ? Stopwatch.GetElapsedTime(started, last) : TimeSpan.Zero;

        private void OnRequest(int index, IncomingRequest request)
        {
            if (!request.Id.Span.SequenceEqual(Volatile.Read(ref _id)))
                return;
            if (Interlocked.CompareExchange(ref _arrivals[index], Stopwatch.GetTimestamp(), 0) != 0)
                return;
            _hops[index] = request.Hops;
            if (Interlocked.Increment(ref _reached) >= Volatile.Read(ref _expected) && Volatile.Read(ref _expected) > 0)
                _all.TrySetResult();
        }
    }
}
