using System.Net.Http.Json;

namespace PeerNet.Client.Http;

/// <summary>Sends the client's requests: the API key on each, JSON bodies, error answers thrown as <see cref="PeerNetApiException"/>.</summary>
internal sealed class ApiChannel(HttpClient http, string? apiKey)
{
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Sends and returns the successful answer; its body is not read yet when <paramref name="streaming"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(PeerNetRoute route, string url, object? body, CancellationToken cancellationToken,
        bool streaming = false, string? accept = null)
    {
        var response = await SendUncheckedAsync(route, url, body, cancellationToken, streaming, accept);
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw await ProblemReader.ReadAsync(response, route, cancellationToken);
    }

    /// <summary>Sends and returns the answer, whatever its status.</summary>
    public async Task<HttpResponseMessage> SendUncheckedAsync(PeerNetRoute route, string url, object? body, CancellationToken cancellationToken,
        bool streaming = false, string? accept = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
        if (apiKey is not null)
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, apiKey);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
            // Refusals of a stream come as problem details: a host that honours Accept must be allowed to send them.
            request.Headers.Accept.ParseAdd("application/problem+json");
        }
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: Json.Options);
        return await http.SendAsync(request, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    /// <summary>Sends and reads the answer's JSON as <typeparamref name="T"/>.</summary>
    public async Task<T> SendAsync<T>(PeerNetRoute route, string url, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(route, url, body, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json.Options, cancellationToken)
            ?? throw new InvalidOperationException($"{route} answered {(int)response.StatusCode} with an empty body.");
    }

    /// <summary>Sends and ignores the successful answer's body.</summary>
    public async Task SendNoContentAsync(PeerNetRoute route, string url, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(route, url, body, cancellationToken);
    }
}
