using System.Runtime.CompilerServices;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// One of this node's own announces: the stream <c>AnnounceAsync</c> returns (enumerable and, on its first
/// enumeration, its own enumerator) and the queue its responses wait in until read. The announce is published when
/// enumeration starts and ends at its deadline, when the reader stops, or when the node stops.
/// </summary>
/// <remarks>
/// Hand-written rather than an async iterator over a queue: the iterator's state machine, its box and a separate
/// queue object were a third of what a round trip allocated. Waits use a pooled builder, so a stream allocates
/// itself, its queue's small array, and nothing per response.
/// </remarks>
internal sealed class OwnAnnounce : BoundedQueue<Announce>, IAsyncEnumerable<AnnounceResponse>, IAsyncEnumerator<AnnounceResponse>
{
    private readonly AnnounceRouter _router;
    private readonly AnnounceMessage? _message; // to announce again when enumerated again (null: one of PeerNet's own)
    private readonly long _timeoutTicks; // -1: none (a nullable TimeSpan takes twice the room in every announce)
    private readonly CancellationToken _callerToken;
    private CancellationToken _token; // the caller's, until enumeration binds the enumerator's too
    private CancellationTokenSource? _linked;
    private int _enumerated;
    private bool _published;
    private Announce? _current;

    public OwnAnnounce(AnnounceRouter router, AnnounceMessage? message, Announce request, TimeSpan? timeout, CancellationToken cancellationToken)
        : base(PeerNetLimits.ResponseBufferCapacity)
    {
        _router = router;
        _message = message;
        _timeoutTicks = timeout?.Ticks ?? -1;
        _callerToken = _token = cancellationToken;
        Request = request;
        Key = IdKeys.Of(request.Id); // computed by the announcer, off the loop
    }

    public Announce Request { get; }

    public UInt128 Key { get; }

    /// <summary>When the stream ends (router time); TimeSpan.MaxValue: never by itself. Set when it is published.</summary>
    public TimeSpan Deadline { get; private set; } = TimeSpan.MaxValue;

    /// <summary>Set by the loop once the announce ended; only the loop reads it.</summary>
    public bool Ended { get; set; }

    /// <summary>Its delivery report, when it asked for one (set by the loop when it is published).</summary>
    public DeliveryReport? Report { get; set; }


    public AnnounceResponse Current => AnnounceResponse.FromWire(_current!);

    public IAsyncEnumerator<AnnounceResponse> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        // A second enumeration announces again, as a second call would: with a fresh id unless the message has one.
        var stream = Interlocked.Exchange(ref _enumerated, 1) == 0 ? this
            : _message is null ? throw new InvalidOperationException("This stream can be enumerated once.")
            : new OwnAnnounce(_router, _message, _router.ToWire(_message), _timeoutTicks < 0 ? null : TimeSpan.FromTicks(_timeoutTicks), _callerToken);
        stream._enumerated = 1;
        stream.Bind(cancellationToken);
        return stream;
    }

    public ValueTask<bool> MoveNextAsync()
    {
        if (!_published)
        {
            _published = true;
            var now = _router.Now;
            Deadline = _timeoutTicks >= 0 && _timeoutTicks < (TimeSpan.MaxValue - now).Ticks ? now + TimeSpan.FromTicks(_timeoutTicks) : TimeSpan.MaxValue;
            if (!_router.Post(AnnounceRouter.WorkKind.Publish, this))
                return new ValueTask<bool>(false); // the node has stopped
        }
        // Cancellation first, as channels do: a cancelled stream stops even while responses keep arriving.
        if (!_token.IsCancellationRequested && TryRead(out var response))
        {
            _current = response;
            return new ValueTask<bool>(true);
        }
        return WaitAndReadAsync();
    }

    public ValueTask DisposeAsync()
    {
        if (_published)
            _router.Post(AnnounceRouter.WorkKind.EndAnnounce, this);
        _linked?.Dispose();
        return default;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitAndReadAsync()
    {
        try
        {
            while (await WaitToReadAsync(_token).ConfigureAwait(false))
            {
                if (TryRead(out var response))
                {
                    _current = response;
                    return true;
                }
            }
            return false;
        }
        catch (OperationCanceledException)
        {
            // Cancelled: the announce ends now, not only when (if ever) the caller disposes the stream.
            _router.Post(AnnounceRouter.WorkKind.EndAnnounce, this);
            throw;
        }
    }

    /// <summary>The stream watches the caller's token and the enumerator's (linked only when both can fire).</summary>
    private void Bind(CancellationToken enumeratorToken)
    {
        if (!enumeratorToken.CanBeCanceled || enumeratorToken == _token)
            return;
        if (!_token.CanBeCanceled)
        {
            _token = enumeratorToken;
            return;
        }
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_token, enumeratorToken);
        _token = _linked.Token;
    }
}
