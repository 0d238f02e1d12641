using System.Collections.Frozen;
using System.Security.Cryptography;

namespace PeerNet.Host.Dashboard;

/// <summary>
/// The dashboard's page, script and style, embedded in the host's assembly (so <c>dotnet publish</c> and the container
/// image carry them with the code, whatever the content root): read once, served with an ETag.
/// </summary>
internal static class DashboardAssets
{
    /// <summary>The prefix of the embedded resources' logical names (see PeerNet.Host.csproj).</summary>
    public const string Prefix = "dashboard/";

    public sealed record Asset(string Name, byte[] Content, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<FrozenDictionary<string, Asset>> All = new(Load);

    /// <summary>The asset named <paramref name="name"/> (a file name, e.g. <c>dashboard.js</c>), or null.</summary>
    public static Asset? Find(string name) => All.Value.GetValueOrDefault(name);

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var name = resource[Prefix.Length..];
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            assets[name] = new Asset(name, content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
