using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace PeerNet.Gossip.Announcing;

/// <summary>A subscription to incoming requests; dispose it to unsubscribe.</summary>
public abstract class RequestSubscription : IDisposable
{
    /// <summary>Requests this subscriber lost because it did not keep up.</summary>
    public abstract long Dropped { get; }

    /// <summary>The requests, as they arrive, until disposed or cancelled.</summary>
    public abstract IAsyncEnumerable<IncomingRequest> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public abstract void Dispose();
}
