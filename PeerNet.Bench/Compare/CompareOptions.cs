namespace PeerNet.Bench.Compare;

/// <summary>The options of <c>compare</c> after its base commit.</summary>
internal sealed record CompareOptions(string? Benches, int Rounds, bool Quick, string? BaseBin, string? HeadBin)
{
    public static CompareOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            values[args[i][2..]] = args[++i];
        }
        var known = new[] { "benches", "rounds", "quick", "base-bin", "head-bin" };
        if (values.Keys.FirstOrDefault(k => !known.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            throw new ArgumentException($"unknown option --{unknown}; compare takes --{string.Join(", --", known)}");
        var rounds = values.TryGetValue("rounds", out var r) ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : 1;
        if (rounds is < 1 or > 20)
            throw new ArgumentException("--rounds must be 1 to 20");
        return new CompareOptions(values.GetValueOrDefault("benches"), rounds, values.GetValueOrDefault("quick") is "1" or "true",
            values.GetValueOrDefault("base-bin"), values.GetValueOrDefault("head-bin"));
    }
}
