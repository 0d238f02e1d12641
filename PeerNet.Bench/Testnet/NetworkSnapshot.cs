using System.Text.Json;

namespace PeerNet.Bench.Testnet;

/// <summary>
/// Every node's handshaken connections (<c>GET /api/connections</c>) read at about the same moment. A connection of
/// node S to node id X counts as honest only when X is one of the nodes read and X lists a connection to S's id as
/// well: a hostile peer can claim any id (a spoofed one shows up on S alone), but not a link on the honest end.
/// </summary>
internal sealed class NetworkSnapshot
{
    private readonly Dictionary<string, List<Connection>> _byNode;

    private NetworkSnapshot(Dictionary<string, List<Connection>> byNode) => _byNode = byNode;

    /// <summary>One handshaken connection as the REST API lists it.</summary>
    public sealed record Connection(string PeerId, bool Outbound);

    /// <summary>Reads every node of <paramref name="nodes"/> at once.</summary>
    public static async Task<NetworkSnapshot> TakeAsync(IReadOnlyList<TestnetNode> nodes, CancellationToken cancellationToken)
    {
        var lists = await Task.WhenAll(nodes.Select(n => ReadAsync(n, cancellationToken)));
        var byNode = new Dictionary<string, List<Connection>>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
            byNode[nodes[i].Id] = lists[i];
        return new NetworkSnapshot(byNode);
    }

    /// <summary>Honest peers of node <paramref name="id"/>: links both ends list.</summary>
    public int HonestPeers(string id) => _byNode[id].Count(c => IsMutual(id, c));

    /// <summary>True when every node holds at least <paramref name="wanted"/> honest peers.</summary>
    public bool EveryNodeHolds(int wanted) => _byNode.Keys.All(id => HonestPeers(id) >= wanted);

    /// <summary>The fewest honest peers a node holds.</summary>
    public int FewestHonestPeers => _byNode.Keys.Min(HonestPeers);

    /// <summary>All connections, summed over the nodes.</summary>
    public int Connections => _byNode.Values.Sum(l => l.Count);

    /// <summary>Honest connections, summed over the nodes.</summary>
    public int HonestConnections => _byNode.Keys.Sum(HonestPeers);

    /// <summary>Outbound connections (the nodes' own dials), summed.</summary>
    public int Outbound => _byNode.Values.Sum(l => l.Count(c => c.Outbound));

    /// <summary>Honest outbound connections, summed.</summary>
    public int HonestOutbound => _byNode.Sum(p => p.Value.Count(c => c.Outbound && IsMutual(p.Key, c)));

    private bool IsMutual(string id, Connection connection) =>
        connection.PeerId != id
        && _byNode.TryGetValue(connection.PeerId, out var far)
        && far.Any(c => c.PeerId == id && c.Outbound != connection.Outbound);

    private static async Task<List<Connection>> ReadAsync(TestnetNode node, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(await node.Http.GetStreamAsync("/api/connections", cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.EnumerateArray()
            .Select(c => new Connection(c.GetProperty("peerId").GetString()!, c.GetProperty("direction").GetString() == "outbound"))
            .ToList();
    }
}
