namespace PeerNet.Bench.Compare;

/// <summary>The benches <c>compare</c> runs, each with the arguments of the README's table (or smaller ones for <c>--quick 1</c>).</summary>
internal static class HeadlineBenches
{
    /// <summary>One bench run: its name and its arguments.</summary>
    public sealed record Run(string Name, string[] Arguments, string[] QuickArguments);

    public static IReadOnlyList<Run> All { get; } =
    [
        new("pingpong", ["pingpong", "--count", "200000", "--window", "1000"], ["pingpong", "--count", "5000", "--window", "100", "--warmup", "1"]),
        new("wsecho", ["wsecho", "--count", "1000000", "--window", "1000"], ["wsecho", "--count", "20000", "--window", "100"]),
        new("fanout", ["fanout", "--nodes", "200", "--degree", "5", "--runs", "10"], ["fanout", "--nodes", "20", "--degree", "3", "--runs", "3", "--warmup", "2"]),
        new("store", ["store", "--addresses", "1000000"], ["store", "--addresses", "3000", "--batch", "1000", "--samples", "200"]),
        new("simulate", ["simulate", "--nodes", "100000", "--degree", "5", "--runs", "20"], ["simulate", "--nodes", "2000", "--degree", "5", "--runs", "3"]),
        new("conns", ["conns", "--count", "2000"], ["conns", "--count", "100"]),
    ];

    /// <summary>The runs named in <paramref name="names"/> (comma-separated; null: all), in the table's order.</summary>
    public static IReadOnlyList<Run> Select(string? names)
    {
        if (string.IsNullOrWhiteSpace(names))
            return All;
        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = wanted.Where(n => All.All(r => !r.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown bench {string.Join(", ", unknown)}; compare runs {string.Join(", ", All.Select(r => r.Name))}");
        return [.. All.Where(r => wanted.Contains(r.Name))];
    }
}
