using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace PeerNet.Host.Hosting;

/// <summary>
/// A Server-Sent Events response whose status and headers go out at once, before the first event: a client that
/// has the 200 knows the server side is listening (the request stream's contract). The framework's
/// <c>TypedResults.ServerSentEvents</c> sends its headers only with the first event, so this result writes the
/// events with the framework's own <see cref="SseFormatter"/> after starting the response itself.
/// </summary>
internal sealed class EventStreamResult<T>(IAsyncEnumerable<SseItem<T>> events) : IResult
{
    /// <summary>A stream of unnamed events (<c>data:</c> lines only).</summary>
    public EventStreamResult(IAsyncEnumerable<T> events)
        : this(events.Select(item => new SseItem<T>(item)))
    {
    }

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.ContentEncoding = "identity";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        // Ends with the client or with the host: Kestrel waits for open requests at shutdown, and an event stream
        // would otherwise hold it until the shutdown timeout.
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var aborted = ended.Token;
        try
        {
            await response.StartAsync(aborted);
            await response.Body.FlushAsync(aborted);
            await SseFormatter.WriteAsync(
                events, response.Body,
                (item, writer) =>
                {
                    using var utf8 = new Utf8JsonWriter(writer);
                    JsonSerializer.Serialize(utf8, item.Data, json);
                },
                aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the stream simply ends.
        }
    }
}
