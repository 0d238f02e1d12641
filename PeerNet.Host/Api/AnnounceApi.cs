using System.Net.ServerSentEvents;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PeerNet.Gossip.Announcing;
using PeerNet.Host.Hosting;
using PeerNet.Host.RateLimiting;
using PeerNet.Host.Security;
using static PeerNet.Host.Api.FieldProblems;

namespace PeerNet.Host.Api;

/// <summary><c>/api/announce</c>: broadcast a message and stream the answers as Server-Sent Events.</summary>
internal static class AnnounceApi
{
    public const int DefaultTimeoutMs = 2000;
    public const int MaxTimeoutMs = 60_000;

    public static IEndpointRouteBuilder MapAnnounceApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/announce", Announce).WithTags("Announces").WithName("Announce").RequireWriteAccess().RateLimited(RateLimitPolicies.Announces).OpenAnnouncesLimited()
            .WithSummary("Announce a message to the network; stream the responses as Server-Sent Events.")
            .WithDescription("One SSE event per response ({ id, reply, type, data, dataBase64, hops, limit }, one JSON object per data: line), " +
                "until timeoutMs (default 2000, at most 60000) passes, max responses have arrived, or the client goes away. " +
                "Bad fields answer 400 before anything is sent.")
            .Produces<AnnounceResponseEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static IResult Announce(
        PeerNode node,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] AnnounceBody? body,
        int? timeoutMs,
        int? max)
    {
        body ??= new AnnounceBody();
        var timeout = timeoutMs ?? DefaultTimeoutMs;
        if (timeout is < 1 or > MaxTimeoutMs)
            return Invalid("timeoutMs", $"timeoutMs must be 1 to {MaxTimeoutMs}.");
        if (max is < 1)
            return Invalid("max", "max must be at least 1.");
        if (!MessageFields.TryHex(body.Id, out var id, out var error) || !MessageFields.TryPayload(body.Data, body.DataBase64, out var data, out error))
            return Invalid(error!.Value.Field, error.Value.Message);

        // A report is found by id: give the announce one when the client did not.
        if (body.Report == true && id is null)
            id = System.Security.Cryptography.RandomNumberGenerator.GetBytes(8);
        var message = new AnnounceMessage
        {
            Id = MessageFields.Optional(id),
            Report = body.Report == true,
            Sign = body.Sign == true,
            Type = MessageFields.Optional(body.Type is null ? null : Encoding.UTF8.GetBytes(body.Type)),
            Data = MessageFields.Optional(data),
            Limit = body.Limit ?? 0,
            Hops = body.Hops ?? 0,
        };
        IAsyncEnumerable<AnnounceResponse> responses;
        try
        {
            responses = node.AnnounceAsync(message, TimeSpan.FromMilliseconds(timeout));
        }
        catch (ArgumentException ex)
        {
            return Invalid(ex);
        }
        var events = responses.Take(max ?? int.MaxValue).Select(r => new SseItem<object>(AnnounceResponseEvent.From(r)));
        if (message.Report)
        {
            // The responses stay plain data: events; the report follows as one named event once the stream ends.
            var reportId = Convert.ToHexStringLower(id!);
            events = events.Concat(Summary(node, reportId));
        }
        return new EventStreamResult<object>(events);
    }

    private static async IAsyncEnumerable<SseItem<object>> Summary(PeerNode node, string id)
    {
        await Task.CompletedTask;
        if (node.GetDeliveryReport(id) is { } report)
            yield return new SseItem<object>(DeliveryReportBody.From(report, node.LastCensusSize), "summary");
    }
}
