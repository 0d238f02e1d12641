using PeerNet.Host.RateLimiting;
using PeerNet.Host.Security;
using static PeerNet.Host.Api.FieldProblems;

namespace PeerNet.Host.Api;

/// <summary><c>GET /api/census</c>: the network's PeerNet nodes and their links, for the dashboard's map.</summary>
internal static class CensusApi
{
    public const int DefaultTimeoutMs = 2000;
    public const int MaxTimeoutMs = 10_000;

    public static IEndpointRouteBuilder MapCensusApi(this IEndpointRouteBuilder app)
    {
        // A write in effect: every node of the network answers it, so it needs the API key (or loopback), as writes do.
        app.MapGet("/api/census", Census).WithTags("Node").WithName("Census").RequireWriteAccess().RateLimited(RateLimitPolicies.Announces)
            .WithSummary("Run a census: every PeerNet node's id, version and peers, gathered for timeoutMs.")
            .WithDescription("timeoutMs 100 to 10000 (default 2000). Original nodes appear as the peers PeerNet nodes list (version null). " +
                "A census asked for within 2 s of the last gets that one's result. 404 when PeerNet:Census is off.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<CensusResult>, ValidationProblem, ProblemHttpResult>> Census(
        PeerNode node, int? timeoutMs, CancellationToken cancellationToken)
    {
        if (!node.CensusEnabled)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Census off",
                detail: "This node does not take part in censuses (PeerNet:Census is false).");
        var timeout = timeoutMs ?? DefaultTimeoutMs;
        if (timeout is < 100 or > MaxTimeoutMs)
            return Invalid("timeoutMs", $"timeoutMs must be 100 to {MaxTimeoutMs}.");
        var nodes = await node.CensusAsync(TimeSpan.FromMilliseconds(timeout), cancellationToken);
        return TypedResults.Ok(new CensusResult([.. nodes.Select(n => new CensusEntry(n.Id, n.Version, n.IsPeerNet, n.Peers))]));
    }
}
