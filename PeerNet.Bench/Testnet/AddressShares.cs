using System.Text.Json;

namespace PeerNet.Bench.Testnet;

/// <summary>
/// How much of what nodes would dial is honest: the share of <c>GET /api/nodes/sample</c> (the recently verified
/// addresses a node hands out for HTTP bootstrap) and of the whole stored table (<c>GET /api/nodes</c>, every page)
/// that are testnet nodes' addresses (the killed nodes' included: dead, but not poison).
/// </summary>
internal static class AddressShares
{
    private const int MaxPages = 100;

    public static async Task<(int Honest, int Total)> SampleAsync(TestnetNode node, IReadOnlySet<string> honest, CancellationToken cancellationToken)
    {
        using var json = await GetAsync(node, "/api/nodes/sample?n=100", cancellationToken);
        var items = Addresses(json.RootElement).ToList();
        return (items.Count(honest.Contains), items.Count);
    }

    public static async Task<(int Honest, int Total)> TableAsync(TestnetNode node, IReadOnlySet<string> honest, CancellationToken cancellationToken)
    {
        int good = 0, total = 0;
        string? after = null;
        for (var page = 0; page < MaxPages; page++)
        {
            using var json = await GetAsync(node, "/api/nodes?limit=1000" + (after is null ? "" : "&after=" + after), cancellationToken);
            var items = Addresses(json.RootElement).ToList();
            good += items.Count(honest.Contains);
            total += items.Count;
            after = json.RootElement.GetProperty("next").GetString();
            if (after is null)
                break;
        }
        return (good, total);
    }

    private static IEnumerable<string> Addresses(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("address").GetString()!);

    private static async Task<JsonDocument> GetAsync(TestnetNode node, string path, CancellationToken cancellationToken) =>
        await JsonDocument.ParseAsync(await node.Http.GetStreamAsync(path, cancellationToken), cancellationToken: cancellationToken);
}
