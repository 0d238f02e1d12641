using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace PeerNet.Bench.Testnet;

/// <summary>
/// <c>testnet --nodes N --kill F [--attack] [--host PATH] [--connections C] [--interval MS] [--seed S] [--timeout SECONDS]</c>
/// (issue 15, "Proof"): N host processes on loopback converge, round(F x N) of them are SIGKILLed, and the bench
/// measures how long the survivors take to heal (every one again holds min(C, survivors - 1) honest peers, inbound
/// and outbound together) and what share of them an announce reaches. <c>--attack</c> runs one hostile process
/// (<see cref="TestnetAttacker"/>) against the survivors from before the kill to the end, and reports what share
/// of their peers and address samples stayed honest. All processes and folders go at the end, on failure, and on
/// Ctrl-C or SIGTERM.
/// </summary>
internal static class TestnetBench
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var settings = TestnetSettings.Parse(args);
        using var cancel = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // clean up first: the finally blocks below end every process
            Console.Error.WriteLine("testnet: stopping");
            cancel.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var nodes = new List<TestnetNode>();
        AttackerProcess? attacker = null;
        try
        {
            return await RunAsync(settings, nodes, a => attacker = a, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return 130;
        }
        finally
        {
            if (attacker is not null)
                await attacker.DisposeAsync();
            await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()));
        }
    }

    private static async Task<int> RunAsync(TestnetSettings s, List<TestnetNode> nodes, Action<AttackerProcess> attackerStarted, CancellationToken ct)
    {
        var random = new Random(s.Seed);
        var clock = Stopwatch.StartNew();
        Console.Error.WriteLine($"testnet: starting {s.Nodes} hosts ({s.HostDll}), interval {s.Interval} ms, connections {s.Connections}, seed {s.Seed}");
        await Parallel.ForEachAsync(Enumerable.Range(0, s.Nodes), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (_, token) =>
        {
            var node = await TestnetNode.StartAsync(s.HostDll, s.NodeConfiguration, token);
            lock (nodes)
                nodes.Add(node);
        });
        var startSeconds = clock.Elapsed.TotalSeconds;

        // Each node is told a few random others' addresses (an explicit save); node exchange spreads the rest.
        foreach (var node in nodes)
        {
            var others = nodes.Where(n => n != node).OrderBy(_ => random.Next()).Take(s.Known).Select(n => n.PeerAddress).ToArray();
            using var response = await node.Http.PostAsJsonAsync("/api/nodes", new { addresses = others }, ct);
            response.EnsureSuccessStatusCode();
        }
        var converge = Stopwatch.StartNew();
        var wanted = Math.Min(s.Connections, s.Nodes - 1);
        if (!(await UntilHealedAsync(nodes, wanted, s.TimeoutSeconds, "converge", ct)).Healed)
            throw new TimeoutException($"the {s.Nodes} nodes did not converge within {s.TimeoutSeconds} s");
        var convergeSeconds = converge.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"testnet: {s.Nodes} nodes hold {wanted} peers each after {convergeSeconds:0.0} s");

        var doomed = nodes.OrderBy(_ => random.Next()).Take(s.KillCount).ToList();
        var survivors = nodes.Except(doomed).ToList();
        var honestAddresses = nodes.Select(n => n.PeerAddress).ToHashSet(StringComparer.Ordinal);
        AttackerProcess? attacker = null;
        Stopwatch? attackClock = null;
        if (s.Attack)
        {
            // Before the kill: the survivors heal with the attacker's sessions in their slots and its poison in their tables.
            attacker = await AttackerProcess.StartAsync(survivors, nodes.Select(n => n.Id), s.AttackSessions, s.AttackStuck, random.Next(), ct);
            attackerStarted(attacker);
            attackClock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(2000, 4 * s.Interval)), ct);
            Console.Error.WriteLine("testnet: attacker running");
        }

        Console.Error.WriteLine($"testnet: SIGKILL to {doomed.Count} nodes");
        var heal = Stopwatch.StartNew();
        await Task.WhenAll(doomed.Select(n => n.KillAsync()));
        var killSeconds = heal.Elapsed.TotalSeconds;
        var healWanted = Math.Min(s.Connections, survivors.Count - 1);
        var healing = await UntilHealedAsync(survivors, healWanted, s.TimeoutSeconds, "heal", ct);
        var healed = healing.Healed;
        // The end of the first snapshot that showed every survivor healed: an upper bound, within longestPollSeconds.
        double? healSeconds = healed ? Math.Round(heal.Elapsed.TotalSeconds, 2) : null;
        Console.Error.WriteLine(healed
            ? $"testnet: {survivors.Count} survivors hold {healWanted} peers each after {healSeconds} s"
            : $"testnet: survivors did not heal within {s.TimeoutSeconds} s");

        var copiesBefore = await SumAsync(survivors, "peernet_announces_copies_sent_total", ct);
        IReadOnlyList<double> coverage;
        await using (var probe = await CoverageProbe.StartAsync(survivors, ct))
            coverage = await probe.MeasureAsync(s.Announces, ct);
        var copies = await SumAsync(survivors, "peernet_announces_copies_sent_total", ct) - copiesBefore;
        Console.Error.WriteLine($"testnet: coverage {coverage.Average():0.###} (lowest {coverage.Min():0.###}) over {coverage.Count} announces");

        var figures = new Dictionary<string, object?>
        {
            ["bench"] = "testnet",
            ["healSeconds"] = healSeconds,
            ["coverage"] = Math.Round(coverage.Average(), 4),
            ["coverageMin"] = Math.Round(coverage.Min(), 4),
            ["nodes"] = s.Nodes,
            ["killed"] = doomed.Count,
            ["survivors"] = survivors.Count,
            ["connections"] = s.Connections,
            ["interval"] = s.Interval,
            ["feelerInterval"] = s.FeelerInterval,
            ["rotateInterval"] = s.RotateInterval,
            ["healed"] = healed,
            ["healPeers"] = healWanted,
            ["killSeconds"] = Math.Round(killSeconds, 2),
            ["healPolls"] = healing.Polls,
            ["longestPollSeconds"] = Math.Round(healing.LongestPoll.TotalSeconds, 2),
            ["convergeSeconds"] = Math.Round(convergeSeconds, 2),
            ["startSeconds"] = Math.Round(startSeconds, 2),
            ["announces"] = coverage.Count,
            ["copiesPerNode"] = Math.Round(copies / coverage.Count / (survivors.Count - 1), 3),
            ["seed"] = s.Seed,
            ["attack"] = s.Attack,
        };
        if (attacker is not null)
        {
            // Give the poison time to work: node exchange asks every interval, and the tables fill over several.
            var soak = TimeSpan.FromMilliseconds(Math.Max(10_000, 20 * s.Interval)) - attackClock!.Elapsed;
            if (soak > TimeSpan.Zero)
                await Task.Delay(soak, ct);
            await AddAttackFiguresAsync(figures, survivors, honestAddresses, ct);
            var counters = await attacker.StopAsync(ct);
            figures["attacker"] = counters;
            figures["attackSeconds"] = Math.Round(attackClock.Elapsed.TotalSeconds, 1);
        }
        figures["loadAverage"] = LoadAverage();
        Console.WriteLine(JsonSerializer.Serialize(figures));
        return healed ? 0 : 1;
    }

    /// <summary>The shares of honest peers and addresses the survivors hold with the attack running.</summary>
    private static async Task AddAttackFiguresAsync(Dictionary<string, object?> figures, List<TestnetNode> survivors, HashSet<string> honest, CancellationToken ct)
    {
        var snapshot = await NetworkSnapshot.TakeAsync(survivors, ct);
        var samples = await Task.WhenAll(survivors.Select(n => AddressShares.SampleAsync(n, honest, ct)));
        var tables = await Task.WhenAll(survivors.Select(n => AddressShares.TableAsync(n, honest, ct)));
        var answers = await Task.WhenAll(survivors.Select(n => ExchangeProbe.AskAsync(n, ct)));
        static double Share(int part, int whole) => whole == 0 ? 1.0 : Math.Round(part / (double)whole, 4);
        figures["honestPeerShare"] = Share(snapshot.HonestConnections, snapshot.Connections);
        figures["honestOutboundShare"] = Share(snapshot.HonestOutbound, snapshot.Outbound);
        figures["honestSampleShare"] = Share(samples.Sum(x => x.Honest), samples.Sum(x => x.Total));
        figures["honestAnswerShare"] = Share(answers.Sum(a => a.Count(honest.Contains)), answers.Sum(a => a.Count));
        figures["honestTableShare"] = Share(tables.Sum(x => x.Honest), tables.Sum(x => x.Total));
        figures["peersPerSurvivor"] = Math.Round(snapshot.Connections / (double)survivors.Count, 2);
        figures["honestPeersPerSurvivor"] = Math.Round(snapshot.HonestConnections / (double)survivors.Count, 2);
        figures["fewestHonestPeers"] = snapshot.FewestHonestPeers;
        figures["tablePerSurvivor"] = Math.Round(tables.Sum(x => x.Total) / (double)survivors.Count, 1);
        Console.Error.WriteLine($"testnet: under attack, {figures["honestPeerShare"]} of peers honest, {figures["honestSampleShare"]} of REST samples, {figures["honestAnswerShare"]} of _addrs answers, {figures["honestTableShare"]} of the tables");
    }

    /// <summary>Polls until every node of <paramref name="nodes"/> holds <paramref name="wanted"/> honest peers, or the timeout.</summary>
    private static async Task<(bool Healed, int Polls, TimeSpan LongestPoll)> UntilHealedAsync(IReadOnlyList<TestnetNode> nodes, int wanted, double timeoutSeconds, string what,
        CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var longest = TimeSpan.Zero;
        for (var polls = 1; ; polls++)
        {
            if (nodes.FirstOrDefault(n => n.HasExited) is { } dead)
                throw new InvalidOperationException($"a host exited:{Environment.NewLine}{dead.Output}");
            var started = clock.Elapsed;
            var snapshot = await NetworkSnapshot.TakeAsync(nodes, ct);
            longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, (clock.Elapsed - started).Ticks));
            if (snapshot.EveryNodeHolds(wanted))
                return (true, polls, longest);
            if (clock.Elapsed.TotalSeconds > timeoutSeconds)
                return (false, polls, longest);
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = clock.Elapsed;
                Console.Error.WriteLine($"testnet: {what}: fewest honest peers {snapshot.FewestHonestPeers} of {wanted} after {clock.Elapsed.TotalSeconds:0} s ({polls} polls)");
            }
            await Task.Delay(Poll, ct);
        }
    }

    /// <summary>The machine's 1-minute load average (shared with other work: it says how much the figures mean).</summary>
    private static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<double> SumAsync(IEnumerable<TestnetNode> nodes, string counter, CancellationToken ct) =>
        (await Task.WhenAll(nodes.Select(n => MetricsScrape.SumAsync(n, counter, ct)))).Sum();
}
