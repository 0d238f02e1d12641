using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Gossip.Dissemination;
using PeerNet.Peers;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// Announces, requests and replies: owns the dissemination rule (<see cref="PlumtreeRouter"/>), the map from request
/// id to the peer it came from (to route replies back), the seen-response cache, and this node's own announces
/// waiting for answers. One loop owns all of it; peers' read loops, timers and callers post work to it, so no lock
/// guards the gossip state. Messages wait in a queue of at most <see cref="MaxQueuedMessages"/>; past that, received
/// gossip is dropped and counted (peer arrivals and departures are never dropped).
/// </summary>
public sealed partial class AnnounceRouter : IGossipScheduler, IAsyncDisposable
{
    /// <summary>Received messages waiting for the loop before new ones are dropped.</summary>
    public const int MaxQueuedMessages = 65_536;

    /// <summary>Request origins remembered (to route replies); the oldest go first.</summary>
    public const int OriginCapacity = 65_536;

    /// <summary>How long a reply can still be routed back after its request passed.</summary>
    public static readonly TimeSpan OriginTtl = TimeSpan.FromMinutes(2);

    /// <summary>Responses remembered to drop duplicates (keyed by id, reply and data, as the original reuses ids).</summary>
    public const int SeenResponseCapacity = 65_536;

    /// <summary>How long a response counts as seen.</summary>
    public static readonly TimeSpan SeenResponseTtl = TimeSpan.FromMinutes(2);

    /// <summary>Responses buffered per own announce before more are dropped for it.</summary>
    public const int ResponseBufferCapacity = 4096;

    private readonly PeerNetOptions _options;
    private readonly RequestHub _hub;
    private readonly TimeProvider _time;
    private readonly RandomSource _random;
    private readonly ILogger _logger;
    private readonly long _started;
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly PlumtreeRouter _plumtree;
    private readonly Dictionary<PeerSession, PeerLink> _links = [];
    // Keyed by IdKeys values: the cache evicts on every insert once full, and value keys make that cheap.
    private readonly ExpiringCache<UInt128, PeerSession> _origins = new(OriginCapacity, OriginTtl);
    private readonly ExpiringCache<UInt128, bool> _seenResponses = new(SeenResponseCapacity, SeenResponseTtl);
    private readonly Dictionary<UInt128, PendingAnnounce> _pending = [];
    // Own announces by deadline (no deadline: TimeSpan.MaxValue), so one timer serves them all instead of a timer-backed
    // CancellationTokenSource per announce (whose timer-queue and registration locks dominated at high announce rates).
    // Ended announces stay in it until popped or compacted away (see Track), so it holds at most about twice the live ones.
    private readonly PriorityQueue<PendingAnnounce, TimeSpan> _deadlines = new();
    private ITimer? _sweepTimer;
    private TimeSpan _armedFor = TimeSpan.MaxValue;
    private Task? _loop;
    private int _queued;
    private long _ownSendsDropped;
    private long _queueDrops, _responsesDelivered, _responsesRelayed, _responsesDropped, _requestsDelivered, _relayDrops;

    /// <summary>Creates the router of a node; <see cref="Start"/> runs it.</summary>
    public AnnounceRouter(IOptions<PeerNetOptions> options, RequestHub hub, TimeProvider time, RandomSource random, ILogger<AnnounceRouter> logger)
    {
        _options = options.Value;
        _hub = hub;
        _time = time;
        _random = random;
        _logger = logger;
        _started = time.GetTimestamp();
        Settings = new DisseminationSettings
        {
            Rule = _options.Dissemination,
            Fanout = _options.Fanout,
            MaxHops = _options.MaxHops,
            GraftTimeout = TimeSpan.FromMilliseconds(_options.GraftTimeout),
            IhaveDelay = TimeSpan.FromMilliseconds(_options.IhaveDelay),
        };
        Settings.Validate();
        _plumtree = new PlumtreeRouter(Settings, this, random);
    }

    /// <summary>The dissemination rule's settings.</summary>
    public DisseminationSettings Settings { get; }

    /// <summary>The dissemination rule's counters (copies, control frames, grafts...). Read them from any thread; they are approximate while it runs.</summary>
    public DisseminationCounters Dissemination => _plumtree.Counters;

    /// <summary>Request ids remembered as seen right now (bounded by the dissemination settings' SeenCapacity).</summary>
    public int SeenRequests => _plumtree.SeenCount;

    /// <summary>Request origins remembered right now (bounded by <see cref="OriginCapacity"/>).</summary>
    public int Origins => _origins.Count;

    /// <summary>Received messages dropped because the router's queue was full.</summary>
    public long QueueDrops => Interlocked.Read(ref _queueDrops);

    /// <summary>New requests handed to the application.</summary>
    public long RequestsDelivered => Interlocked.Read(ref _requestsDelivered);

    /// <summary>Responses handed to this node's own announces.</summary>
    public long ResponsesDelivered => Interlocked.Read(ref _responsesDelivered);

    /// <summary>Responses passed on toward the announcer.</summary>
    public long ResponsesRelayed => Interlocked.Read(ref _responsesRelayed);

    /// <summary>Responses dropped: duplicates, no reply field, no known origin, or a full buffer.</summary>
    public long ResponsesDropped => Interlocked.Read(ref _responsesDropped);

    /// <summary>Relayed responses dropped at the origin peer's full send queue.</summary>
    public long RelayDrops => Interlocked.Read(ref _relayDrops);


    TimeSpan IGossipScheduler.Now => _time.GetElapsedTime(_started);

    /// <summary>Starts the loop (idempotent).</summary>
    public void Start() => _loop ??= Task.Run(LoopAsync);

    /// <summary>A handshaken peer joined.</summary>
    public void OnPeerConnected(PeerSession peer) => _work.Writer.TryWrite(new Work(WorkKind.PeerUp, peer, null, null));

    /// <summary>A handshaken peer left.</summary>
    public void OnPeerDisconnected(PeerSession peer) => _work.Writer.TryWrite(new Work(WorkKind.PeerDown, peer, null, null));

    /// <summary>An announce request, a response or a control frame from a handshaken peer. Never blocks.</summary>
    public void OnMessage(PeerSession peer, Message message)
    {
        if (Interlocked.Increment(ref _queued) > MaxQueuedMessages)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _queueDrops);
            Log.QueueFull(_logger, peer);
            return;
        }
        if (!_work.Writer.TryWrite(new Work(WorkKind.Message, peer, message, null)))
            Interlocked.Decrement(ref _queued);
    }

    /// <summary>
    /// Announces <paramref name="message"/> (the original's <c>announce</c>) and streams the responses as they arrive.
    /// The announce is sent when enumeration starts; the stream ends when <paramref name="timeout"/> passes (if given)
    /// and throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <exception cref="ArgumentException">A field breaks a limit; the message names it (thrown by this call, before anything is sent).</exception>
    public IAsyncEnumerable<AnnounceResponse> AnnounceAsync(AnnounceMessage message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Validate(_options.MaxHops);
        if (timeout is { } t && t <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "must be positive");
        return StreamAsync(message.ToWire(_random), timeout, cancellationToken);
    }

    private async IAsyncEnumerable<AnnounceResponse> StreamAsync(Announce request, TimeSpan? timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The deadline is kept by the loop, which completes the response queue when it passes (and when the node
        // stops): the stream then simply ends. Only the caller's own token is watched here, and only when it can fire.
        var now = ((IGossipScheduler)this).Now;
        var deadline = timeout is { } t && t < TimeSpan.MaxValue - now ? now + t : TimeSpan.MaxValue;
        var pending = new PendingAnnounce(request, deadline);
        if (!_work.Writer.TryWrite(new Work(WorkKind.Publish, null, null, pending)))
            yield break; // the node has stopped
        try
        {
            var responses = pending.Responses;
            while (await responses.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (responses.TryRead(out var response))
                    yield return response;
            }
        }
        finally
        {
            _work.Writer.TryWrite(new Work(WorkKind.EndAnnounce, null, null, pending));
        }
    }

    /// <inheritdoc />
    void IGossipScheduler.Schedule(TimeSpan delay, Action callback)
    {
        // One-shot timer that posts the callback back into the loop; it disposes itself when it fires.
        var slot = new TimerSlot(callback);
        slot.Timer = _time.CreateTimer(static s =>
        {
            var (router, fired) = ((AnnounceRouter, TimerSlot))s!;
            fired.Timer?.Dispose();
            router._work.Writer.TryWrite(new Work(WorkKind.Timer, null, null, fired.Callback));
        }, (this, slot), delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The node's own frame to a peer whose queue is full: waits for room off the loop.</summary>
    internal void SendOwnLater(PeerSession peer, Message message, Action done) =>
        _ = peer.SendAsync(message, _stopping.Token).AsTask().ContinueWith(
            static (t, state) =>
            {
                _ = t.Exception; // observed: a send cancelled at shutdown is expected
                ((Action)state!)();
            }, done, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>An own frame dropped because too many already waited for that peer's queue.</summary>
    internal void CountOwnSendDropped() => Interlocked.Increment(ref _ownSendsDropped);

    /// <summary>This node's own frames dropped at a peer that stopped reading (after <see cref="PeerLink.MaxWaitingOwnSends"/> waited).</summary>
    public long OwnSendsDropped => Interlocked.Read(ref _ownSendsDropped);

    /// <summary>Stops the loop; own announces' streams end.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _work.Writer.TryComplete();
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        var reader = _work.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var work))
            {
                try
                {
                    Handle(work);
                }
                catch (Exception ex)
                {
                    Log.WorkFailed(_logger, ex, work.Kind);
                }
            }
        }
        // Stopped: every own announce still open ends now (each one is in the deadline queue until it ended).
        _sweepTimer?.Dispose();
        while (_deadlines.TryDequeue(out var open, out _))
            End(open);
    }

    /// <summary>Ends an own announce (idempotent): no more responses are routed to it and its stream finishes.</summary>
    private void End(PendingAnnounce pending)
    {
        if (pending.Ended)
            return;
        pending.Ended = true;
        if (_pending.TryGetValue(pending.Key, out var current) && current == pending)
            _pending.Remove(pending.Key);
        pending.Responses.Complete();
    }

    /// <summary>Puts a new own announce in the deadline queue and arms the timer when it is the earliest.</summary>
    private void Track(PendingAnnounce pending, TimeSpan now)
    {
        // Ended announces linger in the queue until their deadline; rebuild it when they outnumber the open ones,
        // so it stays bounded by the announces actually in flight.
        if (_deadlines.Count > 64 && _deadlines.Count > 2 * _pending.Count)
        {
            var open = _deadlines.UnorderedItems.Where(e => !e.Element.Ended).ToList();
            _deadlines.Clear();
            _deadlines.EnqueueRange(open);
        }
        _deadlines.Enqueue(pending, pending.Deadline);
        if (pending.Deadline < _armedFor)
            Arm(pending.Deadline, now);
    }

    /// <summary>Ends the announces whose deadline passed; re-arms the timer for the next one.</summary>
    private void Sweep(TimeSpan now)
    {
        while (_deadlines.TryPeek(out var pending, out var deadline) && (deadline <= now || pending.Ended))
        {
            _deadlines.Dequeue();
            End(pending);
        }
        _armedFor = TimeSpan.MaxValue;
        if (_deadlines.TryPeek(out _, out var next) && next != TimeSpan.MaxValue)
            Arm(next, now);
    }

    private void Arm(TimeSpan deadline, TimeSpan now)
    {
        _armedFor = deadline;
        // Capped so a far deadline stays within the timer's range; an early firing just re-arms.
        var due = TimeSpan.FromTicks(Math.Clamp((deadline - now).Ticks, 0, TimeSpan.FromDays(1).Ticks));
        _sweepTimer ??= _time.CreateTimer(static s =>
        {
            var router = (AnnounceRouter)s!;
            router._work.Writer.TryWrite(new Work(WorkKind.Sweep, null, null, null));
        }, this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _sweepTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void Handle(Work work)
    {
        var now = ((IGossipScheduler)this).Now;
        switch (work.Kind)
        {
            case WorkKind.Message:
                Interlocked.Decrement(ref _queued);
                OnMessage(work.Peer!, work.Message!, now);
                break;
            case WorkKind.PeerUp:
                if (!work.Peer!.IsClosed && !_links.ContainsKey(work.Peer))
                {
                    var link = new PeerLink(work.Peer, this);
                    _links[work.Peer] = link;
                    _plumtree.AddLink(link);
                }
                break;
            case WorkKind.PeerDown:
                if (_links.Remove(work.Peer!, out var gone))
                    _plumtree.RemoveLink(gone);
                break;
            case WorkKind.Publish:
                var pending = (PendingAnnounce)work.State!;
                _pending[pending.Key] = pending;
                Track(pending, now);
                _plumtree.Publish(pending.Request);
                break;
            case WorkKind.EndAnnounce:
                End((PendingAnnounce)work.State!);
                break;
            case WorkKind.Sweep:
                Sweep(now);
                break;
            case WorkKind.Timer:
                ((Action)work.State!)();
                break;
        }
    }

    private void OnMessage(PeerSession peer, Message message, TimeSpan now)
    {
        if (!_links.TryGetValue(peer, out var link))
            return; // the peer left before its message was handled
        switch (message.KindCase)
        {
            case Message.KindOneofCase.Request:
                OnRequest(link, message.Request, now);
                break;
            case Message.KindOneofCase.Response:
                OnResponse(peer, message, now);
                break;
            case Message.KindOneofCase.Control:
                _plumtree.OnControl(link, message.Control);
                break;
        }
    }

    private void OnRequest(PeerLink from, Announce request, TimeSpan now)
    {
        // The tree sees every request, own ones coming back included; only new ones of others reach the application.
        if (!_plumtree.OnRequest(from, request, out var key) || _pending.ContainsKey(key))
            return;
        _origins.Set(key, from.Session, now);
        Interlocked.Increment(ref _requestsDelivered);
        _hub.Publish(new IncomingRequest(request, from.Session, _random, _time.GetUtcNow()));
    }

    private void OnResponse(PeerSession from, Message message, TimeSpan now)
    {
        var response = message.Response;
        if (response.Reply.IsEmpty)
        {
            Drop(from, "a response without a reply field cannot be routed");
            return;
        }
        if (!_seenResponses.Set(IdKeys.OfResponse(response), true, now))
        {
            Drop(from, "duplicate response");
            return;
        }
        var replyKey = IdKeys.Of(response.Reply); // one hash for both the own announces and the origins
        if (_pending.TryGetValue(replyKey, out var pending))
        {
            if (pending.Responses.TryWrite(AnnounceResponse.FromWire(response)))
            {
                Interlocked.Increment(ref _responsesDelivered);
            }
            else
            {
                Drop(from, "the announcer's response buffer is full");
            }
            return;
        }
        if (!_origins.TryGetValue(replyKey, now, out var origin) || origin.IsClosed || origin == from)
        {
            Drop(from, "response to a request this node did not forward (or whose origin is gone)");
            return;
        }
        // Relayed as received, one hop further: this loop owns the message, and parsing already dropped any field a
        // peer added beyond the known ones (the wire parser discards unknown fields).
        response.Hops++;
        if (origin.TrySend(message))
            Interlocked.Increment(ref _responsesRelayed);
        else
            Interlocked.Increment(ref _relayDrops);
    }

    private void Drop(PeerSession from, string reason)
    {
        Interlocked.Increment(ref _responsesDropped);
        Log.ResponseDropped(_logger, from, reason);
    }

    private enum WorkKind : byte
    {
        Message,
        PeerUp,
        PeerDown,
        Publish,
        EndAnnounce,
        Timer,
        Sweep,
    }

    private readonly record struct Work(WorkKind Kind, PeerSession? Peer, Message? Message, object? State);

    private sealed class TimerSlot(Action callback)
    {
        public Action Callback { get; } = callback;

        public ITimer? Timer { get; set; }
    }

    private sealed class PendingAnnounce(Announce request, TimeSpan deadline)
    {
        public Announce Request { get; } = request;

        /// <summary>The request id's key, computed by the announcer, off the loop.</summary>
        public UInt128 Key { get; } = IdKeys.Of(request.Id);

        /// <summary>When the stream ends (router time); TimeSpan.MaxValue: never by itself.</summary>
        public TimeSpan Deadline { get; } = deadline;

        /// <summary>Set by the loop once the announce ended; only the loop reads it.</summary>
        public bool Ended { get; set; }

        /// <summary>Responses on their way to the stream; the loop is the only writer, the stream the only reader.</summary>
        public ResponseQueue<AnnounceResponse> Responses { get; } = new(ResponseBufferCapacity);
    }

    private static partial class Log
    {
        // Event ids 500-519 belong to the announce router. Next free: 503.
        [LoggerMessage(500, LogLevel.Debug, "Announce router: queue full, dropped a message from {Peer}")]
        public static partial void QueueFull(ILogger logger, PeerSession peer);

        [LoggerMessage(501, LogLevel.Debug, "Announce router: dropped a response from {Peer}: {Reason}")]
        public static partial void ResponseDropped(ILogger logger, PeerSession peer, string reason);

        [LoggerMessage(502, LogLevel.Error, "Announce router: handling {Kind} failed")]
        public static partial void WorkFailed(ILogger logger, Exception exception, WorkKind kind);
    }
}
