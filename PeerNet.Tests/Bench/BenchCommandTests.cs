using System.Diagnostics;
using System.Text.Json;

namespace PeerNet.Tests.Bench;

/// <summary>The bench commands run alone: they load both cores, which timing-sensitive tests should not share.</summary>
[CollectionDefinition(nameof(BenchCommands), DisableParallelization = true)]
public sealed class BenchCommands;

/// <summary>
/// Each PeerNet.Bench command, run the way the README runs it (its own process) at a small size, ends with its JSON
/// line of figures. Only that it runs and what it reports are checked here: speed targets are the bench's to
/// measure, never a test's to assert.
/// </summary>
[Collection(nameof(BenchCommands))]
public sealed class BenchCommandTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Store_ReportsItsSaveRateAndSampleCost()
    {
        var figures = await RunAsync("store", "--addresses", "3000", "--batch", "1000", "--samples", "200");
        Assert.Equal(3000, figures.GetProperty("addresses").GetInt32());
        Assert.True(figures.GetProperty("savePerSecond").GetDouble() > 0);
        Assert.True(figures.GetProperty("sampleMicros").GetDouble() > 0);
    }

    [Fact]
    public async Task Simulate_ReachesEveryReachableNode_WithBoundedCopies()
    {
        var figures = await RunAsync("simulate", "--nodes", "2000", "--degree", "5", "--fail", "0.5", "--runs", "20");
        Assert.Equal(2000, figures.GetProperty("nodes").GetInt32());
        Assert.Equal(1000, figures.GetProperty("alive").GetInt32());
        Assert.Equal(figures.GetProperty("reachable").GetInt32(), figures.GetProperty("reached").GetInt32());
        Assert.Equal(1.0, figures.GetProperty("coverage").GetDouble());
        Assert.InRange(figures.GetProperty("maxHops").GetInt32(), 1, 64);
        // The mean includes the first announce, which builds the tree over InitialEager links (and finds the links
        // to dead nodes); per live node, and a live node cut off by dead ones gets nothing, so later ones may cost
        // a little under one copy.
        var copies = figures.GetProperty("copiesPerNode").GetDouble();
        Assert.InRange(copies, 1.0, 1.3);
        Assert.InRange(figures.GetProperty("steadyCopiesPerNode").GetDouble(), 0.95, copies);
        Assert.True(figures.GetProperty("messagesPerNode").GetDouble() >= copies);
        // Every frame kind, for all runs and for the first announce.
        var frames = figures.GetProperty("frames");
        Assert.Equal(copies, frames.GetProperty("copies").GetDouble());
        Assert.True(frames.GetProperty("ihave").GetDouble() > 0 && frames.GetProperty("prune").GetDouble() > 0);
        foreach (var kind in new[] { "graftAnswers", "ihaveIds", "graft", "lastResortGraft", "nack", "all" })
            Assert.True(frames.TryGetProperty(kind, out _), kind);
        Assert.InRange(figures.GetProperty("firstAnnounce").GetProperty("copies").GetDouble(), copies, 5.0);
        Assert.True(figures.GetProperty("peakWorkingSetMb").GetInt64() > 0);
        Assert.True(figures.TryGetProperty("ms", out _));
    }

    [Fact]
    public async Task Simulate_RunsTheOriginalsRule_ForComparison()
    {
        var figures = await RunAsync("simulate", "--nodes", "2000", "--degree", "5", "--fail", "0", "--runs", "3", "--fanout", "3");
        Assert.Equal("RandomFanout", figures.GetProperty("rule").GetString());
        Assert.True(figures.GetProperty("reached").GetInt32() <= figures.GetProperty("reachable").GetInt32());
        Assert.Equal(figures.GetProperty("copiesPerNode").GetDouble(), figures.GetProperty("messagesPerNode").GetDouble());
    }

    [Fact]
    public async Task Flood_ReportsTheHostsMemoryUnderAFloodOfFreshIds()
    {
        var figures = await RunAsync("flood", "--peers", "2", "--seconds", "2");
        Assert.Equal("flood", figures.GetProperty("bench").GetString());
        Assert.Equal(2, figures.GetProperty("peers").GetInt32());
        Assert.True(figures.GetProperty("framesSent").GetInt64() > 0);
        Assert.True(figures.GetProperty("workingSetMaxMB").GetDouble() >= figures.GetProperty("workingSetStartMB").GetDouble());
        Assert.True(figures.GetProperty("heapEndAfterGcMB").GetDouble() > 0);
    }

    [Fact]
    public async Task PingPong_CompletesEveryRoundTrip()
    {
        var figures = await RunAsync("pingpong", "--count", "2000", "--window", "100", "--warmup", "0");
        Assert.Equal("pingpong", figures.GetProperty("bench").GetString());
        Assert.True(figures.GetProperty("count").GetInt64() >= 2000);
        Assert.Equal(100, figures.GetProperty("window").GetInt32());
        Assert.Equal(0, figures.GetProperty("lost").GetInt64());
        Assert.True(figures.GetProperty("seconds").GetDouble() >= 2); // timed for at least 2 s
        Assert.True(figures.GetProperty("perSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task PingPong_Signed_SignsAndChecksEveryAnnounceAndAnswer()
    {
        // The bench fails (no JSON, exit code 1) when a request or an answer arrives without its signature.
        var figures = await RunAsync("pingpong", "--count", "500", "--window", "50", "--warmup", "0", "--signed", "1");
        Assert.True(figures.GetProperty("signed").GetBoolean());
        Assert.Equal(0, figures.GetProperty("lost").GetInt64());
        Assert.True(figures.GetProperty("count").GetInt64() >= 500);
    }

    [Fact]
    public async Task WsEcho_ReportsTheBareStacksRate()
    {
        var figures = await RunAsync("wsecho", "--count", "20000", "--window", "100");
        Assert.Equal("wsecho", figures.GetProperty("bench").GetString());
        Assert.True(figures.GetProperty("count").GetInt64() >= 20000);
        Assert.True(figures.GetProperty("perSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task Fanout_ReachesEveryNode_OverRealWebSockets()
    {
        var figures = await RunAsync("fanout", "--nodes", "20", "--degree", "3", "--runs", "3", "--warmup", "2");
        Assert.Equal(20, figures.GetProperty("nodes").GetInt32());
        Assert.Equal(3, figures.GetProperty("runs").GetInt32());
        Assert.Equal(20, figures.GetProperty("reachedMin").GetInt32());
        Assert.InRange(figures.GetProperty("maxHops").GetInt32(), 1, 19);
        Assert.True(figures.GetProperty("msMax").GetDouble() > 0);
        Assert.True(figures.GetProperty("copiesPerNode").GetDouble() > 0);
        Assert.True(figures.GetProperty("messagesPerNode").GetDouble() >= figures.GetProperty("copiesPerNode").GetDouble());
    }

    [Fact]
    public async Task Conns_MeasuresMemoryPerConnection_FromAClientProcess()
    {
        var figures = await RunAsync("conns", "--count", "50");
        Assert.Equal("conns", figures.GetProperty("bench").GetString());
        Assert.Equal(50, figures.GetProperty("count").GetInt32());
        // Working-set growth over 50 connections is noise-sized (it can even come out negative); the managed heap's is
        // steady. The full-size figure is the bench's to report.
        Assert.True(figures.TryGetProperty("bytesPerConnection", out _));
        Assert.True(figures.GetProperty("managedBytesPerConnection").GetDouble() > 0);
    }

    [Fact]
    public async Task Testnet_SurvivorsOfHalfTheNodesKilled_Heal_AndAnnouncesReachThemAll()
    {
        var figures = await RunAsync("testnet", "--nodes", "6", "--kill", "0.5", "--seed", "1");
        Assert.Equal("testnet", figures.GetProperty("bench").GetString());
        Assert.Equal((6, 3, 3), (figures.GetProperty("nodes").GetInt32(), figures.GetProperty("killed").GetInt32(), figures.GetProperty("survivors").GetInt32()));
        Assert.Equal(5, figures.GetProperty("connections").GetInt32());
        Assert.True(figures.GetProperty("interval").GetInt32() > 0);
        Assert.True(figures.GetProperty("healed").GetBoolean());
        Assert.Equal(2, figures.GetProperty("healPeers").GetInt32()); // min(Connections, survivors - 1)
        Assert.True(figures.GetProperty("healSeconds").GetDouble() >= 0);
        // Three survivors in a full mesh: every announce reaches both others (a loaded machine may lose one late).
        Assert.InRange(figures.GetProperty("coverage").GetDouble(), 0.9, 1.0);
        Assert.False(figures.GetProperty("attack").GetBoolean());
        Assert.False(figures.TryGetProperty("honestPeerShare", out _));
    }

    [Fact]
    public async Task Testnet_UnderAttack_SurvivorsKeepTheirHonestPeers_AndHandOutHonestSamples()
    {
        var figures = await RunAsync("testnet", "--nodes", "6", "--kill", "0.5", "--seed", "2", "--attack");
        Assert.True(figures.GetProperty("attack").GetBoolean());
        Assert.True(figures.GetProperty("healed").GetBoolean());
        Assert.InRange(figures.GetProperty("coverage").GetDouble(), 0.9, 1.0);
        // The attack happened: sessions handshaken with spoofed ids, fake addresses sent and stored.
        var attacker = figures.GetProperty("attacker");
        Assert.True(attacker.GetProperty("handshakes").GetInt64() > 0);
        Assert.True(attacker.GetProperty("addressesSent").GetInt64() > 0);
        Assert.True(figures.GetProperty("honestTableShare").GetDouble() < 1.0);
        // It did not eclipse anyone: every survivor still holds its honest peers, its own dials all go to honest
        // nodes, and its verified sample stays honest.
        Assert.True(figures.GetProperty("fewestHonestPeers").GetInt32() >= figures.GetProperty("healPeers").GetInt32());
        Assert.True(figures.GetProperty("honestOutboundShare").GetDouble() > 0.5);
        Assert.True(figures.GetProperty("honestSampleShare").GetDouble() > 0.5);
        // An _addrs answer of 10 puts the trusted addresses first; in a network of 6 a node knows 5 others, so at most
        // 6 of 10 can be honest (its own address first), and the new table, which the flood fills, gives the rest.
        Assert.True(figures.GetProperty("honestAnswerShare").GetDouble() >= 0.3);
        Assert.InRange(figures.GetProperty("honestPeerShare").GetDouble(), 0.01, 1.0); // the attacker's sessions count against it
    }

    /// <summary>Runs the built bench with <paramref name="args"/>; returns its last stdout line, parsed.</summary>
    [Fact]
    public async Task Compare_RunsEachBenchOfBothBuilds_AndReportsEveryFigureWithItsRatio()
    {
        // Both sides are this build (building a commit twice is too slow for the suite): every ratio is a real run's.
        var bin = Path.GetDirectoryName(BenchAssembly())!;
        var figures = await RunAsync("compare", "HEAD", "--benches", "store,simulate", "--quick", "1", "--base-bin", bin, "--head-bin", bin);
        Assert.Equal("compare", figures.GetProperty("bench").GetString());
        var rows = figures.GetProperty("figures").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("bench").GetString() == "store" && r.GetProperty("figure").GetString() == "savePerSecond");
        Assert.Contains(rows, r => r.GetProperty("bench").GetString() == "simulate" && r.GetProperty("figure").GetString() == "coverage"
            && r.GetProperty("ratio").GetDouble() == 1.0);
        Assert.All(rows, r => Assert.True(r.GetProperty("base").ValueKind == JsonValueKind.Number && r.GetProperty("head").ValueKind == JsonValueKind.Number));
    }

    [Fact]
    public async Task Compare_NamesAnUnknownBench()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { BenchAssembly(), "compare", "HEAD", "--benches", "nosuch" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("unknown bench nosuch", stderr);
    }

    private static async Task<JsonElement> RunAsync(params string[] args)
    {
        // The host running these tests (dotnet test sets DOTNET_HOST_PATH), so no SDK on PATH is needed.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(BenchAssembly());
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{string.Join(' ', args)}' did not finish within {CommandTimeout}: {Tail(await stderr)}");
        }
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"'{string.Join(' ', args)}' exited with {process.ExitCode}: {Tail(await stderr)}");
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        Assert.False(string.IsNullOrEmpty(last), $"'{string.Join(' ', args)}' printed nothing on stdout");
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    /// <summary>PeerNet.Bench.dll as the solution build left it, in this test build's configuration.</summary>
    private static string BenchAssembly()
    {
        var here = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var configuration = here.Parent!.Name; // .../bin/<Configuration>/<tfm>
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "PeerNet.sln")))
            root = root.Parent;
        Assert.NotNull(root);
        var path = Path.Combine(root.FullName, "PeerNet.Bench", "bin", configuration, here.Name, "PeerNet.Bench.dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution (the test project references PeerNet.Bench)");
        return path;
    }
}
