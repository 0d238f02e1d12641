using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>An open request stream (<see cref="RequestsClient.SubscribeAsync"/>): read it once; dispose it to unsubscribe.</summary>
public sealed class RequestSubscription : IAsyncDisposable, IDisposable
{
    private readonly HttpResponseMessage _response;
    private int _read;

    internal RequestSubscription(HttpResponseMessage response) => _response = response;

    /// <summary>The requests as they arrive, until the node ends the stream, the subscription is disposed or <paramref name="cancellationToken"/> fires.</summary>
    public IAsyncEnumerable<IncomingRequest> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _read, 1) != 0)
            throw new InvalidOperationException("A request stream is read once.");
        return EventStream.ReadAsync(_response, EventStream.Messages<IncomingRequest>(), cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _response.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
