namespace PeerNet.Client;

/// <summary>One REST endpoint of a PeerNet node: its HTTP method and its route template as the node's OpenAPI document names it.</summary>
/// <param name="Method">GET, POST, PUT or DELETE.</param>
/// <param name="Template">The path template, such as <c>/api/requests/{handle}/reply</c>.</param>
public sealed record PeerNetRoute(string Method, string Template)
{
    /// <summary>
    /// The request path relative to the client's base address (no leading slash, so a base address with a path such
    /// as <c>http://proxy/peernet/</c> keeps it), with each <c>{name}</c> of the template filled in order from
    /// <paramref name="values"/>, escaped.
    /// </summary>
    public string Path(params string[] values)
    {
        var path = Template.TrimStart('/');
        foreach (var value in values)
        {
            var open = path.IndexOf('{', StringComparison.Ordinal);
            var close = open < 0 ? -1 : path.IndexOf('}', open);
            if (close < 0)
                throw new ArgumentException($"{Template} has fewer parameters than the {values.Length} values given.", nameof(values));
            path = string.Concat(path.AsSpan(0, open), Uri.EscapeDataString(value), path.AsSpan(close + 1));
        }
        if (path.Contains('{', StringComparison.Ordinal))
            throw new ArgumentException($"{Template} needs more values than the {values.Length} given.", nameof(values));
        return path;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Template}";
}
