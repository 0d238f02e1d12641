using static PeerNet.Host.Api.FieldProblems;

namespace PeerNet.Host.Api;

/// <summary><c>GET /api/announces/{id}</c>: the delivery report of one of this node's announces.</summary>
internal static class AnnouncesApi
{
    public static IEndpointRouteBuilder MapAnnouncesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/announces/{id}", Get).WithTags("Announces").WithName("GetDeliveryReport")
            .WithSummary("The delivery report of an announce this node sent with report: true.")
            .WithDescription("The PeerNet nodes that delivered it, by hop, when, from which peer; coverage against the last census; " +
                "copies dropped on the way. Kept 10 minutes after sending (at most 256). 404 when unknown.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static Results<Ok<DeliveryReportBody>, ValidationProblem, ProblemHttpResult> Get(PeerNode node, string id)
    {
        if (id.Length is 0 or > 128 || id.Length % 2 != 0 || !id.All(Uri.IsHexDigit))
            return Invalid("id", "id is the announce id in hex (2 to 128 characters).");
        return node.GetDeliveryReport(id) is { } report
            ? TypedResults.Ok(DeliveryReportBody.From(report, node.LastCensusSize))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown announce",
                detail: $"No report of announce {id}: it was not sent with report: true, or it is over 10 minutes old.");
    }
}
