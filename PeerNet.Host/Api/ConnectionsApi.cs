using Microsoft.AspNetCore.Mvc;
using PeerNet.Addressing;
using PeerNet.Host.RateLimiting;
using PeerNet.Host.Security;
using PeerNet.Peers;
using PeerNet.Protocol;
using static PeerNet.Host.Api.FieldProblems;

namespace PeerNet.Host.Api;

/// <summary><c>/api/connections</c>: the handshaken peers; dial and drop them.</summary>
internal static class ConnectionsApi
{
    public static IEndpointRouteBuilder MapConnectionsApi(this IEndpointRouteBuilder app)
    {
        var connections = app.MapGroup("/api/connections").WithTags("Connections");
        connections.MapGet("/", List).WithName("ListConnections")
            .WithSummary("Handshaken peers: address (null for inbound), peer id, direction, since.");
        connections.MapPost("/", Connect).WithName("Connect").RequireWriteAccess().RateLimited(RateLimitPolicies.Writes)
            .WithSummary("Dial an address; answers after the handshake with the peer's id.")
            .WithDescription("502 when the dial or handshake fails (the detail says why, e.g. the address is this node itself); 409 when already connected.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        connections.MapDelete("/", Disconnect).WithName("Disconnect").RequireWriteAccess().RateLimited(RateLimitPolicies.Writes)
            .WithSummary("Close the connection to ?address= (outbound) or ?peerId= (any).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static Ok<List<ConnectionItem>> List(PeerNode node) =>
        TypedResults.Ok(node.Connections().Select(ConnectionItem.From).ToList());

    private static async Task<Results<Ok<ConnectedResponse>, ValidationProblem, ProblemHttpResult>> Connect(
        PeerNode node, [FromBody] ConnectRequest request, CancellationToken cancellationToken)
    {
        if (!node.AddressRules.TryParse(request?.Address, out var address, out var error))
        {
            var message = request?.Address is null ? "address is required: { \"address\": \"ws://host:port/peer\" }." : $"'{PeerAddress.Shorten(request.Address)}': {error}.";
            return Invalid("address", message);
        }
        try
        {
            var peer = await node.ConnectAsync(address, cancellationToken);
            return TypedResults.Ok(new ConnectedResponse(peer.Address!, peer.PeerId));
        }
        catch (PeerConnectException ex) when (ex.Failure == PeerConnectFailure.AlreadyConnected)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already connected", detail: ex.Message);
        }
        catch (PeerConnectException ex)
        {
            var title = ex.Failure switch
            {
                PeerConnectFailure.Self => "Dialled itself",
                PeerConnectFailure.Timeout => "Timed out",
                PeerConnectFailure.CapReached => "Connection cap reached",
                PeerConnectFailure.NoTransport => "No transport",
                PeerConnectFailure.Unverified => "Node id not proven",
                _ => "Connection failed",
            };
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: title, detail: ex.Message);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Disconnect(PeerNode node, string? address, string? peerId)
    {
        bool closed;
        if (address is not null && peerId is null)
        {
            if (!node.AddressRules.TryParse(address, out var parsed, out var error))
                return Invalid("address", $"'{PeerAddress.Shorten(address)}': {error}.");
            closed = await node.DisconnectAsync(parsed);
        }
        else if (peerId is not null && address is null)
        {
            if (!NodeId.TryParse(peerId, out _))
                return Invalid("peerId", "peerId is 32 hex characters.");
            closed = await node.DisconnectPeerAsync(peerId);
        }
        else
        {
            return Invalid("address", "give exactly one of ?address= or ?peerId=.");
        }
        return closed
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not connected",
                detail: $"No connection to {address ?? peerId}.");
    }
}
