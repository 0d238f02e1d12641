using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using PeerNet.Storage;

namespace PeerNet.Host.Errors;

/// <summary>
/// Turns exceptions into problem details: bad requests (unreadable JSON, unbindable query values) say what was
/// wrong; a store failure or shutdown answers 503; anything else 500 without internals.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", Describe(bad)),
            PeerStoreException or ObjectDisposedException =>
                (StatusCodes.Status503ServiceUnavailable, "Store unavailable", "The peer store cannot take writes right now; try again."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested =>
                (499, "Client closed request", "The request was cancelled."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred; the node's log has the details."),
        };
        if (status >= 500)
            Log.UnhandledError(logger, exception, httpContext.Request.Method, httpContext.Request.Path);

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is JsonException json
            ? $"{bad.Message} {json.Message}"
            : bad.Message;

    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Error, "Unhandled error in {Method} {Path}")]
        public static partial void UnhandledError(ILogger logger, Exception exception, string method, PathString path);
    }
}
