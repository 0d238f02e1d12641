using System.Net;
using Microsoft.Extensions.Options;
using PeerNet.Transport;

namespace PeerNet.Host;

/// <summary><c>/peer</c>: WebSocket upgrades become inbound peer connections of the engine.</summary>
internal static class PeerEndpoints
{
    public const string Path = "/peer";

    public static IEndpointRouteBuilder MapPeerEndpoint(this IEndpointRouteBuilder app)
    {
        app.Map(Path, (HttpContext context, PeerNode node, IOptions<PeerNetOptions> options) => AcceptAsync(context, node, options.Value))
            .WithTags("Peers")
            .WithName("PeerWebSocket")
            .WithSummary("WebSocket upgrade for peer connections (the peernet wire protocol, binary messages). Not a REST endpoint.")
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Accepts one WebSocket upgrade as an inbound peer of <paramref name="node"/> (the bench's many-node server reuses it).</summary>
    internal static async Task<IResult> AcceptAsync(HttpContext context, PeerNode node, PeerNetOptions options)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket upgrade required",
                detail: $"{Path} speaks the peernet protocol over WebSocket; connect with ws:// or wss://.");
        }

        var keepAlive = TimeSpan.FromMilliseconds(options.KeepAliveInterval);
        var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            DangerousEnableCompression = false, // the original works without permessage-deflate; PeerNet leaves it off
            KeepAliveInterval = keepAlive,
            KeepAliveTimeout = keepAlive * options.KeepAliveMisses,
        });
        var remote = context.Connection.RemoteIpAddress is { } ip ? new IPEndPoint(ip, context.Connection.RemotePort) : null;
        var scheme = context.Request.IsHttps ? "wss" : "ws";
        await node.AcceptAsync(new WebSocketConnection(socket, scheme, remote), context.RequestAborted);
        return Results.Empty;
    }
}
