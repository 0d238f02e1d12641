using System.Diagnostics;
using System.Text.Json;

namespace PeerNet.Bench.Compare;

/// <summary>
/// <c>compare BASE [--benches a,b] [--rounds R] [--quick 1] [--base-bin DIR] [--head-bin DIR]</c>: builds BASE (a
/// commit) and the working tree in Release, runs the headline benches of both back to back on this machine, base
/// then head, R times each, and prints every figure with its ratio (head / base): the habit of iroh-gossip, which
/// posts simulation diffs on every change. A figure's rounds are averaged. <c>--base-bin</c>/<c>--head-bin</c> take
/// builds already made instead.
/// </summary>
internal static class CompareBench
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(20);

    public static async Task<int> RunAsync(string baseCommit, string[] rest)
    {
        var options = CompareOptions.Parse(rest);
        var benches = HeadlineBenches.Select(options.Benches);
        var scratch = Directory.CreateTempSubdirectory("peernet-compare-").FullName;
        try
        {
            var repository = options.BaseBin is null || options.HeadBin is null ? BenchBuild.RepositoryRoot() : "";
            using var baseBuild = options.BaseBin is { } b ? BenchBuild.Existing(b) : BenchBuild.Create(repository, baseCommit, scratch);
            using var headBuild = options.HeadBin is { } h ? BenchBuild.Existing(h) : BenchBuild.Create(repository, null, scratch);
            var rows = new List<FigureTable.Row>();
            foreach (var bench in benches)
            {
                var arguments = options.Quick ? bench.QuickArguments : bench.Arguments;
                var baseRuns = new List<Dictionary<string, double>>();
                var headRuns = new List<Dictionary<string, double>>();
                for (var round = 0; round < options.Rounds; round++)
                {
                    // Back to back, base first each round: the machine's drift falls on both alike.
                    baseRuns.Add(await RunBenchAsync(baseBuild, arguments, "base"));
                    headRuns.Add(await RunBenchAsync(headBuild, arguments, "head"));
                }
                rows.AddRange(FigureTable.Rows(bench.Name, Mean(baseRuns), Mean(headRuns)));
            }
            Console.Error.Write(FigureTable.Format(rows));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                bench = "compare",
                @base = baseCommit,
                rounds = options.Rounds,
                quick = options.Quick,
                figures = rows.Select(r => new { bench = r.Bench, figure = r.Figure, @base = r.Base, head = r.Head, ratio = r.Ratio }),
            }));
            return 0;
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The mean of each figure over the rounds that reported it.</summary>
    private static Dictionary<string, double> Mean(List<Dictionary<string, double>> runs) =>
        runs.SelectMany(r => r).GroupBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Average(kv => kv.Value), StringComparer.Ordinal);

    private static async Task<Dictionary<string, double>> RunBenchAsync(BenchBuild build, string[] arguments, string label)
    {
        Console.Error.WriteLine($"compare: {label}: {string.Join(' ', arguments)}");
        // The dotnet that runs this command (set when it runs under dotnet test or dotnet run), else the one on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, WorkingDirectory = build.Output };
        start.ArgumentList.Add(build.BenchDll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(RunTimeout);
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (process.ExitCode != 0 || last is null || !last.StartsWith('{'))
        {
            // A bench the base does not have (or that failed) leaves its figures blank instead of ending the comparison.
            Console.Error.WriteLine($"compare: {label} {arguments[0]} exited {process.ExitCode} without figures");
            return [];
        }
        return FigureTable.Numbers(last);
    }
}
