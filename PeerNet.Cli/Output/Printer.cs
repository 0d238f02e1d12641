using System.Text.Json;

namespace PeerNet.Cli.Output;

/// <summary>Writes results as text or as JSON (one object per line), and errors to standard error. Safe to call from several handlers at once.</summary>
internal sealed class Printer(CliConsole console, bool json)
{
    private static readonly JsonSerializerOptions JsonLine = new(JsonSerializerDefaults.Web);
    private readonly Lock _lock = new();

    public bool Json => json;

    /// <summary>One result: <paramref name="value"/> as a JSON line with --json, else the lines of <paramref name="text"/>.</summary>
    public void Result<T>(T value, Func<T, string> text)
    {
        var line = json ? JsonSerializer.Serialize(value, JsonLine) : text(value);
        lock (_lock)
        {
            console.Out.WriteLine(line);
            console.Out.Flush();
        }
    }

    /// <summary>A note for a person on standard error (progress, warnings); never on standard output, which scripts read.</summary>
    public void Note(string message)
    {
        lock (_lock)
        {
            console.Error.WriteLine(message);
            console.Error.Flush();
        }
    }
}
