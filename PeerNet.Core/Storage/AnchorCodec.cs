using System.Text;
using PeerNet.Addressing;

namespace PeerNet.Storage;

/// <summary>The anchors' row in the Settings table: their addresses, one per line (an address holds no line break).</summary>
internal static class AnchorCodec
{
    public const string SettingName = "Anchors";

    public static byte[] Encode(IReadOnlyList<PeerAddress> addresses) =>
        Encoding.UTF8.GetBytes(string.Join('\n', addresses.Select(a => a.Value)));

    public static IReadOnlyList<string> Decode(byte[] value) =>
        Encoding.UTF8.GetString(value).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
