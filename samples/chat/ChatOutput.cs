namespace PeerNet.Samples.Chat;

/// <summary>The instance's output: lines from several connections at once, one whole line at a time.</summary>
internal sealed class ChatOutput(TextWriter writer)
{
    private readonly Lock _lock = new();

    /// <summary>A line another instance sent.</summary>
    public void Message(string name, string text) => Write($"{name}: {text}");

    /// <summary>A note about the chat itself (joined, connected, left), marked so it is not taken for a message.</summary>
    public void Note(string text) => Write("* " + text);

    private void Write(string line)
    {
        lock (_lock)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
