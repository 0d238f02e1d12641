using System.Net.Http.Json;
using System.Text.Json;

namespace PeerNet.Client.Http;

/// <summary>Turns an error answer into a <see cref="PeerNetApiException"/>, from its problem details when it has them.</summary>
internal static class ProblemReader
{
    /// <summary>Largest error body read: problem details are small, and a body of another kind must not be buffered whole.</summary>
    private const int MaxBodyChars = 64 * 1024;

    public static async Task<PeerNetApiException> ReadAsync(HttpResponseMessage response, PeerNetRoute route, CancellationToken cancellationToken)
    {
        var retryAfter = response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;
        Problem? problem = null;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<Problem>(Json.Options, cancellationToken);
            }
            catch (JsonException)
            {
                // Not problem details after all: the status and reason phrase still say what happened.
            }
        }
        else if (mediaType is not null && mediaType.StartsWith("text/", StringComparison.Ordinal))
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            problem = new Problem(null, text.Length > MaxBodyChars ? text[..MaxBodyChars] : text.Trim(), null);
        }
        return new PeerNetApiException(response.StatusCode, problem?.Title ?? response.ReasonPhrase, problem?.Detail, problem?.Errors, retryAfter, route);
    }

    /// <summary>The fields of RFC 9457 problem details the client uses (ASP.NET Core's validation problems add errors).</summary>
    private sealed record Problem(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
