using System.Net;

namespace PeerNet.Client;

/// <summary>An error answer of a PeerNet node: its RFC 9457 problem details (status, title, detail, field errors).</summary>
public sealed class PeerNetApiException : Exception
{
    /// <summary>An exception for an error answer.</summary>
    public PeerNetApiException(HttpStatusCode status, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null,
        TimeSpan? retryAfter = null, PeerNetRoute? route = null)
        : base(Describe(status, title, detail))
    {
        Status = status;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
        RetryAfter = retryAfter;
        Route = route;
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>What the status code means for this API.</summary>
    public ProblemKind Kind => KindOf(Status);

    /// <summary>The problem's title, such as "Already connected".</summary>
    public string? Title { get; }

    /// <summary>What to fix, as the node says it.</summary>
    public string? Detail { get; }

    /// <summary>For a 400: the fields that are wrong (such as <c>addresses[1]</c>) and why; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>For a 429: how long the node asks the client to wait (its <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The endpoint that answered, when known.</summary>
    public PeerNetRoute? Route { get; }

    /// <summary>The kind of a status code.</summary>
    public static ProblemKind KindOf(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => ProblemKind.BadRequest,
        HttpStatusCode.Unauthorized => ProblemKind.Unauthorized,
        HttpStatusCode.Forbidden => ProblemKind.Forbidden,
        HttpStatusCode.NotFound => ProblemKind.NotFound,
        HttpStatusCode.Conflict => ProblemKind.Conflict,
        HttpStatusCode.TooManyRequests => ProblemKind.TooManyRequests,
        HttpStatusCode.BadGateway => ProblemKind.BadGateway,
        HttpStatusCode.ServiceUnavailable => ProblemKind.Unavailable,
        _ => ProblemKind.Other,
    };

    private static string Describe(HttpStatusCode status, string? title, string? detail) =>
        $"{(int)status} {title ?? status.ToString()}" + (string.IsNullOrEmpty(detail) || detail == title ? "" : $": {detail}");
}
