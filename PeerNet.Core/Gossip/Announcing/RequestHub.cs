using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// Hands incoming announce requests to the application: any number of subscribers, each optionally filtered by
/// type (the original's <c>request:TYPE</c>), each with its own bounded buffer. A subscriber that does not keep up
/// loses requests (counted), never stalls gossip. Thread-safe.
/// </summary>
public sealed partial class RequestHub
{
    /// <summary>Requests buffered per subscriber before new ones are dropped for it (<see cref="PeerNetLimits.SubscriberBufferCapacity"/>).</summary>
    public const int SubscriberCapacity = PeerNetLimits.SubscriberBufferCapacity;

    /// <summary>Most subscribers at once (<see cref="PeerNetLimits.MaxSubscribers"/>).</summary>
    public const int MaxSubscribers = PeerNetLimits.MaxSubscribers;

    private readonly PeerNetMetrics _metrics;
    private readonly PeerNetLimits _limits;
    private readonly ILogger _logger;
    private Subscription[] _subscriptions = [];

    /// <summary>Creates the hub.</summary>
    public RequestHub(PeerNetMetrics metrics, PeerNetLimits limits, ILogger<RequestHub> logger)
    {
        _metrics = metrics;
        _limits = limits;
        _logger = logger;
        metrics.ObserveGauge("peernet.requests.subscribers", "{subscriber}", "Request subscribers right now.", () => Subscribers);
    }

    /// <summary>Raised for every incoming request, on the router's loop: handlers must return quickly (queue work elsewhere).</summary>
    public event Action<IncomingRequest>? RequestReceived;

    /// <summary>Subscribers right now.</summary>
    public int Subscribers => Volatile.Read(ref _subscriptions).Length;

    /// <summary>
    /// Subscribes to incoming requests (of <paramref name="type"/> only, when given). The subscription is registered
    /// when this method returns, before the first enumeration: nothing that arrives after the call is missed.
    /// Dispose it (or stop enumerating with cancellation) to unsubscribe.
    /// </summary>
    /// <exception cref="InvalidOperationException">There are already <see cref="MaxSubscribers"/> subscribers.</exception>
    public RequestSubscription Subscribe(string? type = null)
    {
        var subscription = new Subscription(this, type is null ? null : ByteString.CopyFromUtf8(type));
        var full = false;
        Update(list =>
        {
            full = list.Length >= MaxSubscribers;
            return full ? list : [.. list, subscription];
        });
        _limits.Subscribers.Observe(Subscribers);
        if (full)
            _limits.Subscribers.Hit();
        if (full)
            throw new InvalidOperationException($"This node already has {MaxSubscribers} request subscribers; close one first.");
        return subscription;
    }

    /// <summary>Delivers a request to every matching subscriber.</summary>
    internal void Publish(IncomingRequest request)
    {
        try
        {
            RequestReceived?.Invoke(request);
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(_logger, ex);
        }
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Type is { } wanted && !wanted.Equals(request.WireType))
                continue;
            if (!subscription.Channel.Writer.TryWrite(request))
            {
                _metrics.SubscriberDropped();
                _limits.SubscriberBuffer.Hit();
                Interlocked.Increment(ref subscription.DroppedCount);
                if (_logger.IsEnabled(LogLevel.Debug)) // the hex id is built only when someone reads it
                    Log.SubscriberFull(_logger, request.IdHex);
            }
        }
    }

    private void Update(Func<Subscription[], Subscription[]> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref _subscriptions);
            if (Interlocked.CompareExchange(ref _subscriptions, change(current), current) == current)
                return;
        }
    }

    private sealed class Subscription(RequestHub hub, ByteString? type) : RequestSubscription
    {
        public long DroppedCount;

        public ByteString? Type { get; } = type;

        public Channel<IncomingRequest> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<IncomingRequest>(
            new BoundedChannelOptions(SubscriberCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        public override long Dropped => Interlocked.Read(ref DroppedCount);

        public override IAsyncEnumerable<IncomingRequest> ReadAllAsync(CancellationToken cancellationToken = default) =>
            Channel.Reader.ReadAllAsync(cancellationToken);

        public override void Dispose()
        {
            hub.Update(list => Array.FindAll(list, s => s != this));
            Channel.Writer.TryComplete();
        }
    }

    private static partial class Log
    {
        // Event ids 520-539 belong to the request hub. Next free: 522.
        [LoggerMessage(520, LogLevel.Debug, "Request {Id} not delivered to a subscriber: its buffer is full")]
        public static partial void SubscriberFull(ILogger logger, string id);

        [LoggerMessage(521, LogLevel.Warning, "A RequestReceived handler threw; the request still goes to subscribers")]
        public static partial void HandlerFailed(ILogger logger, Exception exception);
    }
}
