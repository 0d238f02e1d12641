using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PeerNet.Host.Hosting;
using PeerNet.Host.RateLimiting;
using PeerNet.Host.Security;
using PeerNet.Topics;
using static PeerNet.Host.Api.FieldProblems;

namespace PeerNet.Host.Api;

/// <summary><c>/api/topics</c>: sidecars register their application's addresses in a topic and find the topic's members.</summary>
internal static class TopicsApi
{
    public const int DefaultTtlSeconds = 300;
    public const int DefaultMax = 10;
    public const int DefaultTimeoutMs = 2000;
    public const int MaxTimeoutMs = 60_000;

    public static IEndpointRouteBuilder MapTopicsApi(this IEndpointRouteBuilder app)
    {
        var topics = app.MapGroup("/api/topics").WithTags("Topics");
        // Behind the write rule: the list names the topics, which the wire keeps hashed.
        topics.MapGet("/", List).WithName("ListTopics").RequireWriteAccess()
            .WithSummary("The topics this node holds members of, with their members (address, owner, registeredAt, expiresAt).")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        topics.MapPut("/{topic}/members", Register).WithName("JoinTopic").RequireWriteAccess().RateLimited(RateLimitPolicies.Writes)
            .WithSummary("Add addresses to a topic on this node, or renew them, for ttlSeconds (1 to 1200, default 300).")
            .WithDescription("A member is an address: opaque text of up to 255 bytes that PeerNet never dials (udp://..., a multiaddr, a URL). " +
                "A sidecar must renew its members before their ttl passes; unrenewed ones disappear from every lookup within ttl plus " +
                "PeerNet:TopicCacheSeconds. Bounds: PeerNet:TopicAddressesPerRegistration per request (400), PeerNet:TopicAddressesPerClient " +
                "per client IP, PeerNet:TopicMembersPerTopic and PeerNet:TopicRegistrations on the node (409).")
            .Produces<TopicRegisteredResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict);
        topics.MapDelete("/{topic}/members", Remove).WithName("LeaveTopic").RequireWriteAccess().RateLimited(RateLimitPolicies.Writes)
            .WithSummary("Remove addresses from a topic on this node.")
            .Produces<RemovedResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        // A lookup costs the network a message per node, as an announce does: the same rule and rates.
        topics.MapGet("/{topic}/peers", Find).WithName("FindTopicPeers").RequireWriteAccess().RateLimited(RateLimitPolicies.Announces).OpenAnnouncesLimited()
            .WithSummary("Find the topic's members in the network: a JSON array, or Server-Sent Events as they arrive with Accept: text/event-stream.")
            .WithDescription($"max 1 to {PeerNetLimits.MaxTopicFindMembers} (default {DefaultMax}); timeoutMs 1 to {MaxTimeoutMs} (default {DefaultTimeoutMs}). " +
                "Ends as soon as max members are in, else at timeoutMs. This node's own members come first, then those it found within " +
                "PeerNet:TopicCacheSeconds, then the network's; at most PeerNet:TopicMembersPerResponder of one responding node count toward max " +
                "unless the lookup ends short of it. Each item: { address, nodeId, ageSeconds }.")
            .Produces<TopicPeerItem[]>(StatusCodes.Status200OK, "application/json", "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static Ok<TopicItem[]> List(PeerNode node) =>
        TypedResults.Ok(node.Topics.List().Select(t => new TopicItem(t.Topic, t.Hash, t.Members)).ToArray());

    private static Results<Ok<TopicRegisteredResponse>, ValidationProblem, ProblemHttpResult> Register(
        HttpContext context, PeerNode node, string topic, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] TopicMembersBody? body)
    {
        var ttl = body?.TtlSeconds ?? DefaultTtlSeconds;
        if (Check(topic, body?.Addresses, out var addresses) is { } problem)
            return problem;
        if (ttl < 1 || ttl > PeerNetLimits.MaxTopicTtl.TotalSeconds)
            return Invalid("ttlSeconds", $"ttlSeconds must be 1 to {PeerNetLimits.MaxTopicTtl.TotalSeconds:0} (20 minutes).");
        try
        {
            var result = node.Topics.Register(topic, addresses, TimeSpan.FromSeconds(ttl), OwnerOf(context));
            return TypedResults.Ok(new TopicRegisteredResponse(topic, TopicName.HashHex(topic), result.Added, result.Renewed, result.ExpiresAt));
        }
        catch (ArgumentException ex)
        {
            return Invalid(ex.ParamName == "ttl" ? new ArgumentException(ex.Message, "ttlSeconds") : ex);
        }
        catch (TopicLimitException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Topic bound reached", detail: ex.Message,
                extensions: new Dictionary<string, object?> { ["limit"] = ex.Limit });
        }
    }

    private static Results<Ok<RemovedResponse>, ValidationProblem> Remove(
        PeerNode node, string topic, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] TopicAddressesBody? body)
    {
        if (Check(topic, body?.Addresses, out var addresses) is { } problem)
            return problem;
        return TypedResults.Ok(new RemovedResponse(node.Topics.Leave(topic, addresses)));
    }

    private static async Task<IResult> Find(HttpContext context, PeerNode node, string topic, int? max, int? timeoutMs)
    {
        if (TopicName.Check(topic) is { } error)
            return Invalid("topic", error);
        var count = max ?? DefaultMax;
        if (count < 1 || count > PeerNetLimits.MaxTopicFindMembers)
            return Invalid("max", $"max must be 1 to {PeerNetLimits.MaxTopicFindMembers}.");
        var timeout = timeoutMs ?? DefaultTimeoutMs;
        if (timeout is < 1 or > MaxTimeoutMs)
            return Invalid("timeoutMs", $"timeoutMs must be 1 to {MaxTimeoutMs}.");
        var members = node.Topics.FindAsync(topic, count, TimeSpan.FromMilliseconds(timeout));
        if (context.Request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true))
            return new EventStreamResult<TopicPeerItem>(members.Select(TopicPeerItem.From));
        var found = new List<TopicPeerItem>();
        await foreach (var member in members.WithCancellation(context.RequestAborted))
            found.Add(TopicPeerItem.From(member));
        return TypedResults.Ok(found);
    }

    private static ValidationProblem? Check(string topic, IReadOnlyList<string?>? given, out IReadOnlyList<string> addresses)
    {
        addresses = [];
        if (TopicName.Check(topic) is { } error)
            return Invalid("topic", error);
        if (given is null || given.Count == 0)
            return Invalid("addresses", "addresses is required: { \"addresses\": [\"udp://host:port\"] }.");
        for (var i = 0; i < given.Count; i++)
        {
            if (TopicName.CheckAddress(given[i]) is { } bad)
                return Invalid($"addresses[{i}]", bad);
        }
        addresses = [.. given!];
        return null;
    }

    // A member's owner is the client's IP (a sidecar), so the per-client bound counts addresses per IP.
    private static string OwnerOf(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "unknown";
}
