using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace PeerNet.Client.Http;

/// <summary>Reads a Server-Sent Events answer with the framework's <see cref="SseParser"/>, one JSON object per event.</summary>
internal static class EventStream
{
    /// <summary>
    /// The events of <paramref name="response"/> as <paramref name="parse"/> makes them (null: skipped), until the
    /// node ends the stream or <paramref name="cancellationToken"/> fires; the response is disposed either way.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAsync<T>(HttpResponseMessage response, SseItemParser<T?> parse,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class
    {
        using (response)
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await foreach (var item in SseParser.Create(body, parse).EnumerateAsync(cancellationToken))
            {
                if (item.Data is { } value)
                    yield return value;
            }
        }
    }

    /// <summary>A parser taking the events of type <c>message</c> (the default) as <typeparamref name="T"/>, and skipping others.</summary>
    public static SseItemParser<T?> Messages<T>() where T : class =>
        (type, data) => type == SseParser.EventTypeDefault ? JsonSerializer.Deserialize<T>(data, Json.Options) : null;
}
