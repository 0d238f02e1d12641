using System.Text;

namespace PeerNet.Samples.Chat.Peers;

/// <summary>What a line may hold: printable text, cut to the byte bound (another instance's bytes are not trusted to be either).</summary>
internal static class Text
{
    public static string Clean(string text, int maxBytes)
    {
        var kept = new StringBuilder(Math.Min(text.Length, maxBytes));
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
                continue;
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes)
                break;
            kept.Append(rune.ToString());
        }
        return kept.ToString();
    }
}
