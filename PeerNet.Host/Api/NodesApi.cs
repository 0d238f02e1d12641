using Microsoft.AspNetCore.Mvc;
using PeerNet.Addressing;
using PeerNet.Host.RateLimiting;
using PeerNet.Host.Security;
using PeerNet.Storage;
using static PeerNet.Host.Api.FieldProblems;

namespace PeerNet.Host.Api;

/// <summary><c>/api/nodes</c>: the known addresses and their stats.</summary>
internal static class NodesApi
{
    /// <summary>Page size when <c>limit</c> is not given.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Sample size when <c>n</c> is not given.</summary>
    public const int DefaultSampleSize = 10;

    /// <summary>Most addresses one save or remove may carry.</summary>
    public const int MaxBatch = 10_000;

    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/nodes").WithTags("Nodes");

        nodes.MapGet("/", ListNodes).WithName("ListNodes")
            .WithSummary("Known addresses, one page at a time (cursor paging).")
            .WithDescription($"`limit` defaults to {DefaultPageSize} and may be at most {PeerStore.MaxPageSize}; pass a page's `next` as `after` for the following page.");
        nodes.MapPost("/", SaveNodes).WithName("SaveNodes").RequireWriteAccess().RateLimited(RateLimitPolicies.Writes)
            .WithSummary("Save addresses. Answers once committed; a batch with any invalid address is rejected whole.")
            .WithDescription($"At most {MaxBatch} addresses. Saving lifts a tombstone left by a remove. Needs X-Api-Key when PeerNet:ApiKey is set, else a loopback client.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        nodes.MapDelete("/", RemoveNodes).WithName("RemoveNodes").RequireWriteAccess().RateLimited(RateLimitPolicies.Writes)
            .WithSummary("Remove addresses and their stats; node exchange will not learn them again for PeerNet:RemovedTtl.")
            .WithDescription($"At most {MaxBatch} addresses. Needs X-Api-Key when PeerNet:ApiKey is set, else a loopback client.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        nodes.MapGet("/sample", SampleNodes).WithName("SampleNodes")
            .WithSummary("A random sample of recently verified addresses (a successful connection within the last hour), for HTTP bootstrap.")
            .WithDescription($"`n` 1-{PeerNetLimits.MaxSampleSize} (default {DefaultSampleSize}). One sample is drawn every "
                + $"{PeerNetLimits.SampleWindow.TotalSeconds:0} s and every call in that window gets the first `n` of it, so asking again "
                + "cannot enumerate the table. Only addresses this node knows and dialled successfully count.");
        nodes.MapGet("/stats", GetStats).WithName("GetNodeStats")
            .WithSummary("Connection statistics of one address (the original's getStats).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<NodesPage>, ValidationProblem>> ListNodes(
        PeerNode node, int? limit, string? after, CancellationToken cancellationToken)
    {
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > PeerStore.MaxPageSize)
            return Invalid("limit", $"limit must be between 1 and {PeerStore.MaxPageSize}.");
        if (after is not null && !NodeCursor.IsValid(after))
            return Invalid("after", "after is not a cursor this API issued: pass the 'next' value of a previous page.");

        var page = await node.ListKnownAsync(size, after, cancellationToken);
        return TypedResults.Ok(new NodesPage(page.Addresses.Select(a => new NodeItem(a)).ToList(), page.Next));
    }

    private static async Task<Results<Ok<NodesSample>, ValidationProblem>> SampleNodes(PeerNode node, int? n, CancellationToken cancellationToken)
    {
        var size = n ?? DefaultSampleSize;
        if (size is < 1 or > PeerNetLimits.MaxSampleSize)
            return Invalid("n", $"n must be between 1 and {PeerNetLimits.MaxSampleSize}.");
        var sample = await node.SampleVerifiedAsync(size, cancellationToken);
        return TypedResults.Ok(new NodesSample(sample.Select(a => new NodeItem(a)).ToList()));
    }

    private static async Task<Results<Ok<SavedResponse>, ValidationProblem>> SaveNodes(
        PeerNode node, [FromBody] AddressesRequest request, CancellationToken cancellationToken)
    {
        if (!TryParseBatch(node.AddressRules, request, "saved", out var addresses, out var problem))
            return problem;
        var saved = await node.SaveAsync(addresses, cancellationToken);
        return TypedResults.Ok(new SavedResponse(saved));
    }

    private static async Task<Results<Ok<RemovedResponse>, ValidationProblem>> RemoveNodes(
        PeerNode node, [FromBody] AddressesRequest request, CancellationToken cancellationToken)
    {
        if (!TryParseBatch(node.AddressRules, request, "removed", out var addresses, out var problem))
            return problem;
        var removed = await node.RemoveAsync(addresses, cancellationToken);
        return TypedResults.Ok(new RemovedResponse(removed));
    }

    private static async Task<Results<Ok<PeerStats>, ValidationProblem, ProblemHttpResult>> GetStats(
        PeerNode node, string? address, CancellationToken cancellationToken)
    {
        if (!node.AddressRules.TryParse(address, out var parsed, out var error))
            return Invalid("address", address is null ? "address is required (?address=ws://host:port/path)." : $"'{PeerAddress.Shorten(address)}': {error}.");
        var stats = await node.GetStatsAsync(parsed, cancellationToken);
        return stats is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown address",
                detail: $"'{parsed.Value}' is neither known nor has stats.")
            : TypedResults.Ok(stats);
    }

    private static bool TryParseBatch(
        AddressRules rules, AddressesRequest? request, string verb, out IReadOnlyList<PeerAddress> addresses, out ValidationProblem problem)
    {
        addresses = [];
        problem = null!;
        if (request?.Addresses is not { } list)
        {
            problem = Invalid("addresses", "addresses is required: { \"addresses\": [\"ws://host:port/peer\"] }.");
            return false;
        }
        if (list.Count > MaxBatch)
        {
            problem = Invalid("addresses", $"at most {MaxBatch} addresses per request; got {list.Count}.");
            return false;
        }
        try
        {
            addresses = rules.ParseAll(list, "addresses"); // the node's rules: a registered transport's scheme too
            return true;
        }
        catch (InvalidPeerAddressException ex)
        {
            var errors = ex.Errors.ToDictionary(e => $"addresses[{e.Index}]", e => new[] { $"'{PeerAddress.Shorten(e.Address)}': {e.Reason}." });
            problem = TypedResults.ValidationProblem(errors,
                detail: $"{ex.Errors.Count} of {list.Count} addresses are invalid; nothing was {verb}.",
                title: "Invalid addresses");
            return false;
        }
    }
}
