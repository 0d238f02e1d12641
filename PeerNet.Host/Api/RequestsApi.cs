using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PeerNet.Gossip.Announcing;
using PeerNet.Host.Hosting;
using PeerNet.Host.RateLimiting;
using PeerNet.Host.Security;

namespace PeerNet.Host.Api;

/// <summary><c>/api/requests</c>: sidecar applications receive the node's incoming announces and answer them.</summary>
internal static class RequestsApi
{
    public static IEndpointRouteBuilder MapRequestsApi(this IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/api/requests").WithTags("Requests");
        // Behind the write rule: the stream carries every request and hands out the reply handles (threat M4).
        requests.MapGet("/", Subscribe).WithName("SubscribeRequests").RequireWriteAccess().RateLimited(RateLimitPolicies.Streams)
            .WithSummary("Stream the announce requests this node receives (of ?type= only, when given) as Server-Sent Events.")
            .WithDescription("One SSE event per request ({ handle, id, type, data, dataBase64, hops, limit }). The 200 and its headers " +
                "are sent as soon as the subscription is registered, so a client that has them misses nothing after. Several " +
                "subscribers may listen at once; each has a bounded buffer, and one that does not keep up loses requests (counted) " +
                "rather than stalling gossip.")
            .Produces<RequestEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        requests.MapPost("/{handle}/reply", Reply).WithName("ReplyToRequest").RequireWriteAccess()
            .WithSummary("Answer a request from the stream by its handle; the answer travels back to the announcer.")
            .WithDescription("Fields left out take the request's (type, limit). 404 when the handle is unknown or expired, or the peer " +
                "the request came from has disconnected; 503 when that peer has not read for 10 s (the answer is dropped).")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static IResult Subscribe(HttpContext context, PeerNode node, ReplyHandles handles, string? type)
    {
        RequestSubscription subscription;
        try
        {
            subscription = node.SubscribeRequests(string.IsNullOrEmpty(type) ? null : type);
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many subscribers", detail: ex.Message);
        }
        context.Response.RegisterForDispose(subscription); // unsubscribes however the request ends
        return new EventStreamResult<RequestEvent>(subscription.ReadAllAsync().Select(request => RequestEvent.From(handles.Issue(request), request)));
    }

    private static async Task<IResult> Reply(
        string handle,
        ReplyHandles handles,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReplyBody? body,
        CancellationToken cancellationToken)
    {
        body ??= new ReplyBody();
        if (!handles.TryGet(handle, out var request))
            return NotFound($"No request with handle '{PeerNet.Addressing.PeerAddress.Shorten(handle)}': it is unknown or expired (handles last {ReplyHandles.Ttl.TotalMinutes:0} minutes).");
        if (!MessageFields.TryPayload(body.Data, body.DataBase64, out var data, out var error))
            return FieldProblems.Invalid(error!.Value.Field, error.Value.Message);

        var reply = new ReplyMessage
        {
            Data = MessageFields.Optional(data),
            Type = MessageFields.Optional(body.Type is null ? null : Encoding.UTF8.GetBytes(body.Type)),
            Limit = body.Limit,
            Sign = body.Sign == true,
        };
        try
        {
            if (!await request.ReplyAsync(reply, cancellationToken))
            {
                return request.OriginConnected
                    ? TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Peer not reading",
                        detail: $"The peer this request came from took nothing from its full send queue for {PeerNetLimits.OwnSendDeadline.TotalSeconds:0} s: " +
                            "the answer was dropped. Try again later.")
                    : NotFound("The peer this request came from has disconnected: the answer cannot be routed back.");
            }
        }
        catch (ArgumentException ex)
        {
            return FieldProblems.Invalid(ex);
        }
        return TypedResults.Accepted((string?)null);
    }

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown request handle", detail: detail);
}
