namespace PeerNet.Host.Errors;

/// <summary>Writes a refusal made outside an endpoint (authentication, rate limiting) as problem details, whatever the client accepts.</summary>
internal static class ProblemResponse
{
    /// <summary>
    /// As the problem-details service writes it, or as plain problem JSON when the request's Accept rules JSON out (an
    /// event-stream client, <c>Accept: text/event-stream</c>, refused before its stream starts): the service's
    /// WriteAsync would throw there, and the refusal would reach the client as a 500.
    /// </summary>
    public static async ValueTask WriteAsync(IProblemDetailsService service, ProblemDetailsContext context)
    {
        if (!await service.TryWriteAsync(context))
            await context.HttpContext.Response.WriteAsJsonAsync(context.ProblemDetails, options: null, contentType: "application/problem+json");
    }
}
