using System.Globalization;

namespace PeerNet.Bench.Testnet;

/// <summary>A counter summed over a node's <c>GET /metrics</c> (Prometheus text), all label sets together.</summary>
internal static class MetricsScrape
{
    public static async Task<double> SumAsync(TestnetNode node, string name, CancellationToken cancellationToken)
    {
        var text = await node.Http.GetStringAsync("/metrics", cancellationToken);
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length <= name.Length || line[name.Length] is not (' ' or '{'))
                continue;
            var end = line[name.Length] == '{' ? line.IndexOf('}', StringComparison.Ordinal) + 1 : name.Length;
            var value = line[end..].Trim().Split(' ')[0]; // a timestamp may follow the value
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                sum += v;
        }
        return sum;
    }
}
