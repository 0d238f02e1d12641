using System.Globalization;
using System.Text;

namespace PeerNet.Client.Http;

/// <summary>Appends the query parameters that have a value, escaped.</summary>
internal sealed class QueryString(string path)
{
    private readonly StringBuilder _url = new(path);
    private bool _first = true;

    public QueryString Add(string name, string? value)
    {
        if (value is null)
            return this;
        _url.Append(_first ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        _first = false;
        return this;
    }

    public QueryString Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public override string ToString() => _url.ToString();
}
