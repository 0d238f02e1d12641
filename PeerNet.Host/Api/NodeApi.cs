namespace PeerNet.Host.Api;

/// <summary><c>GET /api/node</c>: who this node is.</summary>
internal static class NodeApi
{
    public static IEndpointRouteBuilder MapNodeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/node", GetNode)
            .WithTags("Node")
            .WithName("GetNode")
            .WithSummary("This node: id, version, advertised addresses, connection and known-address counts.");
        return app;
    }

    private static Ok<NodeInfo> GetNode(PeerNode node) =>
        TypedResults.Ok(new NodeInfo
        {
            Id = node.Id,
            Version = PeerNode.Version,
            Addresses = node.AdvertisedAddresses,
            Connections = node.ConnectionCount,
            Known = node.KnownCount,
        });
}
