using System.Text;

namespace PeerNet.Tests.Infrastructure;

/// <summary>A text writer that keeps what is written, safe to read while another thread writes (a CLI running in the background).</summary>
public sealed class CapturedText : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
            _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text)
            _text.Append(value);
    }

    public override string ToString()
    {
        lock (_text)
            return _text.ToString();
    }

    /// <summary>The lines written so far.</summary>
    public string[] Lines() => ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
