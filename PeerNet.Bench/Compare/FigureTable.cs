using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PeerNet.Bench.Compare;

/// <summary>The numeric figures of two runs of one bench, side by side with their ratio (head / base).</summary>
internal static class FigureTable
{
    /// <summary>One figure of one bench in both builds; null where a build did not report it.</summary>
    public sealed record Row(string Bench, string Figure, double? Base, double? Head)
    {
        public double? Ratio => Base is { } b && Head is { } h && b != 0 ? h / b : null;
    }

    /// <summary>The numeric properties of a bench's JSON line (nested objects flattened as <c>a.b</c>; arrays left out).</summary>
    public static Dictionary<string, double> Numbers(string json)
    {
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        Flatten(document.RootElement, "", figures);
        return figures;
    }

    /// <summary>Rows for every figure either run reported, in the order the head reported them (then the base's).</summary>
    public static IEnumerable<Row> Rows(string bench, IReadOnlyDictionary<string, double> baseFigures, IReadOnlyDictionary<string, double> headFigures)
    {
        foreach (var name in headFigures.Keys.Concat(baseFigures.Keys).Distinct(StringComparer.Ordinal))
        {
            yield return new Row(bench, name,
                baseFigures.TryGetValue(name, out var b) ? b : null,
                headFigures.TryGetValue(name, out var h) ? h : null);
        }
    }

    /// <summary>A plain-text table, one row per figure.</summary>
    public static string Format(IEnumerable<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"bench",-10} {"figure",-28} {"base",16} {"head",16} {"head/base",10}");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{row.Bench,-10} {row.Figure,-28} {Show(row.Base),16} {Show(row.Head),16} {(row.Ratio is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : "-"),10}");
        }
        return text.ToString();
    }

    private static string Show(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, double> figures)
    {
        foreach (var property in element.EnumerateObject())
        {
            var name = prefix + property.Name;
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Number:
                    figures[name] = property.Value.GetDouble();
                    break;
                case JsonValueKind.Object:
                    Flatten(property.Value, name + ".", figures);
                    break;
            }
        }
    }
}
