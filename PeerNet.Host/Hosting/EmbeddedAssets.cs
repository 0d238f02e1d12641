using System.Collections.Frozen;
using System.Security.Cryptography;

namespace PeerNet.Host.Hosting;

/// <summary>
/// Static files embedded in the host's assembly under one logical-name prefix (so <c>dotnet publish</c> and the container
/// image carry them with the code, whatever the content root): read once, each with its content type and an ETag.
/// </summary>
internal sealed class EmbeddedAssets(string prefix)
{
    public sealed record Asset(string Name, byte[] Content, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".ts"] = "text/plain; charset=utf-8", // type declarations: read by editors and tsc, never run
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly Lazy<FrozenDictionary<string, Asset>> _all = new(() => Load(prefix));

    /// <summary>The asset named <paramref name="name"/> (a file name, e.g. <c>dashboard.js</c>), or null.</summary>
    public Asset? Find(string name) => _all.Value.GetValueOrDefault(name);

    private static FrozenDictionary<string, Asset> Load(string prefix)
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var name = resource[prefix.Length..];
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            assets[name] = new Asset(name, content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Serves <paramref name="name"/>: revalidated on every load (no-cache with its ETag, 304 when it matches), nosniff;
    /// <paramref name="headers"/> adds what the caller needs (a CSP, CORS). 404 when there is no such asset.
    /// </summary>
    public IResult Serve(HttpContext context, string name, Action<Asset, IHeaderDictionary>? headers = null)
    {
        if (Find(name) is not { } asset)
            return TypedResults.NotFound();
        var response = context.Response.Headers;
        response.CacheControl = "no-cache"; // revalidated each load: a new version shows at once
        response.ETag = asset.ETag;
        response.XContentTypeOptions = "nosniff";
        headers?.Invoke(asset, response);
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag == asset.ETag))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }
}
