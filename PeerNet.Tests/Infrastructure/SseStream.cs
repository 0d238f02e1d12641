using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// A Server-Sent Events response read the way a sidecar would (the framework's <see cref="SseParser"/>): opened once
/// its headers arrive, events buffered in the background, each one's data parsed as JSON.
/// </summary>
public sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly Task _reader;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
                {
                    EventTypes.Enqueue(item.EventType);
                    _events.Writer.TryWrite(JsonDocument.Parse(item.Data).RootElement.Clone());
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
            {
            }
            finally
            {
                _events.Writer.TryComplete();
            }
        });
    }

    /// <summary>Each event's type in arrival order ("message" for an unnamed one).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> EventTypes { get; } = new();

    /// <summary>The HTTP status (200 for a stream).</summary>
    public HttpResponseMessage Response => _response;

    /// <summary>Sends <paramref name="request"/> and returns once the response headers are in.</summary>
    public static async Task<SseStream> OpenAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        return new SseStream(response, body);
    }

    public static Task<SseStream> GetAsync(HttpClient client, string path) => OpenAsync(client, new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>The next event; null once the stream has ended.</summary>
    public async Task<JsonElement?> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _events.Reader.WaitToReadAsync(cts.Token) && _events.Reader.TryRead(out var e) ? e : null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No SSE event within {timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Every event until the stream ends (it must end within <paramref name="timeout"/>).</summary>
    public async Task<List<JsonElement>> ToEndAsync(TimeSpan timeout)
    {
        var all = new List<JsonElement>();
        while (await NextAsync(timeout) is { } e)
            all.Add(e);
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _response.Dispose();
        await _reader;
    }
}
