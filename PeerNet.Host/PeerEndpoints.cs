using System.Net;
using Microsoft.Extensions.Options;
using PeerNet.Transport;

namespace PeerNet.Host;

/// <summary><c>/peer</c>: WebSocket upgrades become inbound peer connections of the engine.</summary>
internal static class PeerEndpoints
{
    public const string Path = "/peer";

    /// <summary>
    /// Runs <c>/peer</c> in a branch of its own, ahead of the REST API's middleware (request log, rate limiter, write
    /// rule, Swagger). An upgraded peer's request lasts as long as the connection, and every middleware it passed keeps
    /// its state alive for that long: the write rule's handler with a logger of its own, a rate-limit lease, the request
    /// log's scope, about 3 KB per idle peer in all. None of them applies to peers: /peer has no rate policy and is no
    /// write, and the session logs its own start and end.
    /// </summary>
    public static WebApplication UsePeerEndpoint(this WebApplication app)
    {
        // Resolved per upgrade from the root provider (singletons), not at build: options are validated when the host starts.
        var services = app.Services;
        app.MapWhen(IsPeerPath, branch =>
        {
            branch.UseWebSockets();
            branch.Run(async context =>
            {
                var result = await AcceptAsync(context, services.GetRequiredService<PeerNode>(), services.GetRequiredService<IOptions<PeerNetOptions>>().Value);
                await result.ExecuteAsync(context);
            });
        });
        return app;
    }

    /// <summary>The request is for <c>/peer</c> (as the router would match it: any case, an optional trailing slash).</summary>
    internal static bool IsPeerPath(HttpContext context) =>
        context.Request.Path.Value?.TrimEnd('/') is { } path && path.Equals(Path, StringComparison.OrdinalIgnoreCase);

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
        // Not RequestAborted: asking for it makes Kestrel a token source per request, and the session's registration
        // on it one more object per idle peer. An aborted request closes its transport, which ends the session's reads.
        await node.AcceptAsync(new WebSocketConnection(socket, scheme, remote), CancellationToken.None);
        return Results.Empty;
    }
}
