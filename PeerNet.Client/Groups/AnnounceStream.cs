using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>
/// One announce (<see cref="AnnouncesClient.AnnounceAsync"/>): enumerating it sends the announce and yields each reply
/// as it arrives; it can be enumerated once. <see cref="Id"/> is known before it is sent, and a reported announce's
/// closing <c>summary</c> event is <see cref="Summary"/> once the replies end.
/// </summary>
public sealed class AnnounceStream : IAsyncEnumerable<AnnounceReply>
{
    private readonly ApiChannel _api;
    private readonly Announcement _announcement;
    private readonly string _url;
    private readonly CancellationToken _cancellationToken;
    private int _started;

    internal AnnounceStream(ApiChannel api, Announcement announcement, string url, CancellationToken cancellationToken)
    {
        _api = api;
        _cancellationToken = cancellationToken;
        // The client names the announce when the caller did not, so a report can be fetched by it whatever arrives.
        _announcement = announcement.Id is null ? announcement with { Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) } : announcement;
        _url = url;
    }

    /// <summary>The announce's id (hex): the caller's, or one the client chose.</summary>
    public string Id => _announcement.Id!;

    /// <summary>The delivery report that closed the stream of a reported announce; null before the end, or without <see cref="Announcement.Report"/>.</summary>
    public DeliveryReport? Summary { get; private set; }

    /// <inheritdoc />
    public IAsyncEnumerator<AnnounceReply> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("An announce is sent once: call AnnounceAsync again for another.");
        return RunAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    private async IAsyncEnumerable<AnnounceReply> RunAsync([EnumeratorCancellation] CancellationToken enumeratorToken)
    {
        // Either token stops it: the one given to AnnounceAsync, or the one given to the enumeration (WithCancellation).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, enumeratorToken);
        var cancellationToken = linked.Token;
        var response = await _api.SendAsync(PeerNetRoutes.Announce, _url, _announcement, cancellationToken, streaming: true, accept: "text/event-stream");
        await foreach (var item in EventStream.ReadAsync(response, Parse, cancellationToken))
        {
            if (item is AnnounceReply reply)
                yield return reply;
            else if (item is DeliveryReport summary)
                Summary = summary;
        }
    }

    private static object? Parse(string type, ReadOnlySpan<byte> data) => type switch
    {
        SseParser.EventTypeDefault => JsonSerializer.Deserialize<AnnounceReply>(data, Json.Options),
        "summary" => JsonSerializer.Deserialize<DeliveryReport>(data, Json.Options),
        _ => null, // an event type of a later host: not this client's to read
    };
}
