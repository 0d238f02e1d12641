using System.CommandLine.Parsing;
using System.Globalization;

namespace PeerNet.Cli;

/// <summary>Durations on the command line: <c>500ms</c>, <c>10s</c>, <c>2m</c>, or a bare number of milliseconds.</summary>
internal static class Duration
{
    public static TimeSpan? Parse(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value.Trim();
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 1.0),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1000.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60_000.0),
            _ => (text, 1.0),
        };
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && value * scale <= int.MaxValue)
            return TimeSpan.FromMilliseconds(value * scale);
        result.AddError($"'{text}' is not a duration: give 500ms, 10s, 2m or milliseconds.");
        return null;
    }
}
