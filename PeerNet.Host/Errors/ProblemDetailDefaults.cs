namespace PeerNet.Host.Errors;

/// <summary>Gives every problem a detail that tells the caller what to do, also those the framework writes bare.</summary>
internal static class ProblemDetailDefaults
{
    public static void Fill(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!string.IsNullOrEmpty(problem.Detail))
            return;
        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status404NotFound => $"No endpoint answers {request.Method} {request.Path}; /swagger lists them.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not take {request.Method}; /swagger lists what it takes.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with Content-Type: application/json.",
            StatusCodes.Status413PayloadTooLarge => $"The request body is larger than {Hosting.PeerNetHost.MaxRequestBodyBytes} bytes.",
            _ => problem.Title ?? "The request failed.",
        };
    }
}
