using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Gossip.Dissemination;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// Announces, requests and replies: the one loop that owns the dissemination rule (<see cref="IDisseminationRule"/>),
/// the response routes (<see cref="ResponseRoutes"/>) and this node's own announces (<see cref="OwnAnnounces"/>).
/// Peers' read loops, timers and callers post work to it, so no lock guards the gossip state. Messages wait in a
/// queue of at most <see cref="PeerNetLimits.RouterQueueCapacity"/>; past that, received gossip is dropped and
/// counted (peer arrivals and departures are never dropped).
/// </summary>
public sealed partial class AnnounceRouter : IAnnounceHandler, IGossipScheduler, IAsyncDisposable
{
    private readonly PeerNetOptions _options;
    private readonly RequestHub _hub;
    private readonly TimeProvider _time;
    private readonly RandomSource _random;
    private readonly PeerNetMetrics _metrics;
    private readonly PeerNetLimits _limits;
    private readonly ILogger _logger;
    private readonly long _started;
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IDisseminationRule _rule;
    private readonly ResponseRoutes _routes;
    private readonly OwnAnnounces _own;
    private readonly Census.CensusResponder _census;
    private readonly Topics.TopicResponder _topics;
    private readonly DeliveryReports _reports;
    private readonly NodeId _self;
    private readonly AckBatcher _acks;
    private readonly RequestLimiter _limiter;
    private readonly Identity.ForgeryFilter _forgeries;
    private readonly Identity.NodeKey _key;
    private readonly Stack<TimerSlot> _idleTimers = new(); // the loop's only
    private Task? _loop;
    private int _queued;

    /// <summary>Creates the router of a node; <see cref="Start"/> runs it.</summary>
    public AnnounceRouter(IOptions<PeerNetOptions> options, RequestHub hub, TimeProvider time, RandomSource random,
        PeerNetMetrics metrics, PeerNetLimits limits, Census.CensusResponder census, DeliveryReports reports, NodeIdentity identity,
        Topics.TopicResponder topics, ILogger<AnnounceRouter> logger)
    {
        _census = census;
        _topics = topics;
        _reports = reports;
        _self = identity.Id;
        _key = identity.Key;
        _options = options.Value;
        _hub = hub;
        _time = time;
        _random = random;
        _metrics = metrics;
        _limits = limits;
        _logger = logger;
        _started = time.GetTimestamp();
        Settings = new DisseminationSettings
        {
            Rule = _options.Dissemination,
            Fanout = _options.Fanout,
            MaxHops = _options.MaxHops,
            GraftTimeout = TimeSpan.FromMilliseconds(_options.GraftTimeout),
            IhaveDelay = TimeSpan.FromMilliseconds(_options.IhaveDelay),
            Limits = limits,
            CachePresize = PeerNetLimits.RuleCachePresize,
        };
        Settings.Validate();
        _rule = IDisseminationRule.Create(Settings, this, random);
        _routes = new ResponseRoutes(limits);
        _limiter = new RequestLimiter(_options, limits, metrics, logger);
        _forgeries = new Identity.ForgeryFilter(metrics, logger);
        _acks = new AckBatcher(this, random, metrics);
        _own = new OwnAnnounces(time, () => _work.Writer.TryWrite(new Work(WorkKind.Sweep, null, null)));
        ObserveState(metrics);
    }

    /// <summary>The dissemination rule's settings.</summary>
    public DisseminationSettings Settings { get; }

    /// <summary>The dissemination rule's counters (copies, control frames, grafts...). Read them from any thread; they are approximate while it runs.</summary>
    public DisseminationCounters Dissemination => _rule.Counters;

    /// <summary>Request ids remembered as seen right now (bounded by <see cref="PeerNetLimits.SeenIdCapacity"/>).</summary>
    public int SeenRequests => _rule.SeenCount;

    /// <summary>Request origins remembered right now (bounded by <see cref="PeerNetLimits.OriginCapacity"/>).</summary>
    public int Origins => _routes.Origins;

    TimeSpan IGossipScheduler.Now => _time.GetElapsedTime(_started);

    /// <summary>Starts the loop (idempotent).</summary>
    public void Start() => _loop ??= Task.Run(LoopAsync);

    void IAnnounceHandler.OnPeerUp(Peer peer) => _work.Writer.TryWrite(new Work(WorkKind.PeerUp, peer, null));

    void IAnnounceHandler.OnPeerDown(Peer peer) => _work.Writer.TryWrite(new Work(WorkKind.PeerDown, peer, null));

    void IAnnounceHandler.OnAnnounce(Peer peer, Announce announce, bool isRequest) =>
        _ = Enqueue(peer, isRequest ? WorkKind.Request : WorkKind.Response, announce);

    // The frame's array rides in the work item (no box for the struct); the loop wraps it again.
    void IAnnounceHandler.OnControl(Peer peer, ControlFrame control, bool pooled)
    {
        if (!Enqueue(peer, pooled ? WorkKind.PooledControl : WorkKind.Control, control.Array) && pooled)
            System.Buffers.ArrayPool<byte>.Shared.Return(control.Array);
    }

    /// <summary>Queues gossip received from <paramref name="peer"/> for the loop, within the peer's and the queue's bounds; false when dropped.</summary>
    private bool Enqueue(Peer peer, WorkKind kind, object received)
    {
        // One peer's share first: a flooding peer fills its own part of the queue, not everyone's.
        if (Interlocked.Increment(ref peer.RouterQueued) > PeerNetLimits.RouterQueuePerPeerCapacity)
        {
            Interlocked.Decrement(ref peer.RouterQueued);
            _limits.RouterQueuePerPeer.Hit();
            _metrics.MessageDropped("router_queue_peer_quota");
            Log.QueueFull(_logger, peer);
            return false;
        }
        var queued = Interlocked.Increment(ref _queued);
        if (queued > PeerNetLimits.RouterQueueCapacity)
        {
            Dequeued(peer);
            _limits.RouterQueue.Hit();
            _metrics.MessageDropped("router_queue_full");
            Log.QueueFull(_logger, peer);
            return false;
        }
        _limits.RouterQueue.Observe(queued);
        if (_work.Writer.TryWrite(new Work(kind, peer, received)))
            return true;
        Dequeued(peer);
        return false;
    }

    /// <summary>A message of <paramref name="peer"/> left the router queue (handled, or not taken after all).</summary>
    private void Dequeued(Peer peer)
    {
        Interlocked.Decrement(ref _queued);
        Interlocked.Decrement(ref peer.RouterQueued);
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
        // The deadline is kept by the loop, which completes the stream when it passes (and when the node stops).
        return new OwnAnnounce(this, message, ToWire(message), timeout, cancellationToken);
    }

    /// <summary>The wire request of <paramref name="message"/> (a random id when it has none), signed when it asks to be.</summary>
    internal Announce ToWire(AnnounceMessage message)
    {
        var request = message.ToWire(_random);
        if (message.Sign)
            Identity.MessageSignature.SignRequest(request, _key);
        return request;
    }

    /// <summary>An announce of PeerNet's own (a reserved type such as the census), past the checks applications get.</summary>
    internal IAsyncEnumerable<AnnounceResponse> AnnounceReserved(Announce request, TimeSpan timeout, CancellationToken cancellationToken) =>
        new OwnAnnounce(this, message: null, request, timeout, cancellationToken);

    /// <summary>Router time, for own announces' deadlines.</summary>
    internal TimeSpan Now => _time.GetElapsedTime(_started);

    /// <summary>Posts an own announce's start or end to the loop; false once the node has stopped.</summary>
    internal bool Post(WorkKind kind, OwnAnnounce announce) => _work.Writer.TryWrite(new Work(kind, null, announce));

    /// <inheritdoc />
    void IGossipScheduler.Schedule(TimeSpan delay, Action callback)
    {
        // Called on the loop only (by the rule and the ack batcher). A one-shot timer that posts the callback back
        // into the loop, re-armed from a few kept idle: one timer made per IHAVE flush and per pull was, after the
        // frames, most of what a settled node allocated per announce.
        if (!_idleTimers.TryPop(out var slot))
        {
            slot = new TimerSlot(this);
            slot.Timer = _time.CreateTimer(static s =>
            {
                var fired = (TimerSlot)s!;
                fired.Router._work.Writer.TryWrite(new Work(WorkKind.Timer, null, fired));
            }, slot, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        slot.Callback = callback;
        slot.Timer!.Change(delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A fired timer's callback, run on the loop; its timer is kept for the next (or disposed past the few kept).</summary>
    private void OnTimer(TimerSlot slot)
    {
        var callback = slot.Callback!;
        slot.Callback = null;
        if (_idleTimers.Count < PeerNetLimits.IdleRouterTimers)
            _idleTimers.Push(slot);
        else
            slot.Timer!.Dispose();
        callback();
    }

    /// <summary>Stops the loop; own announces' streams end.</summary>
    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        else
            _own.Dispose();
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
        _own.Dispose(); // stopped: every own announce still open ends now
        while (_idleTimers.TryPop(out var idle))
            idle.Timer!.Dispose();
    }

    private void Handle(Work work)
    {
        var now = ((IGossipScheduler)this).Now;
        switch (work.Kind)
        {
            case WorkKind.Request or WorkKind.Response or WorkKind.Control or WorkKind.PooledControl:
                OnReceived(work, now);
                break;
            case WorkKind.PeerUp:
                if (!work.Peer!.IsClosed)
                {
                    _rule.AddLink(work.Peer);
                    _routes.Up(work.Peer);
                }
                break;
            case WorkKind.PeerDown:
                _rule.RemoveLink(work.Peer!);
                _routes.Down(work.Peer!);
                break;
            case WorkKind.Publish:
                var pending = (OwnAnnounce)work.State!;
                _own.Open(pending, now);
                _metrics.AnnounceOriginated();
                var failures = _rule.Counters.SendFailures;
                _rule.Publish(pending.Request);
                if (pending.Request.Report)
                {
                    pending.Report = new DeliveryReport(Convert.ToHexStringLower(pending.Request.Id.Span), _time.GetUtcNow(), (int)(_rule.Counters.SendFailures - failures)) { PublishedAt = now };
                    _reports.Add(pending.Report);
                }
                break;
            case WorkKind.EndAnnounce:
                _own.End((OwnAnnounce)work.State!);
                break;
            case WorkKind.Sweep:
                _own.Sweep(now);
                break;
            case WorkKind.Timer:
                OnTimer((TimerSlot)work.State!);
                break;
        }
    }

    /// <summary>Gossip a peer sent: to its handler, unless the peer left (or is being closed) before it was handled.</summary>
    private void OnReceived(Work work, TimeSpan now)
    {
        var from = work.Peer!;
        try
        {
            Dequeued(from);
            if (from.Dissemination is null || from.IsClosed)
                return;
            switch (work.Kind)
            {
                case WorkKind.Request:
                    OnRequest(from, (Announce)work.State!, now);
                    break;
                case WorkKind.Response:
                    OnResponse(from, (Announce)work.State!, now);
                    break;
                default:
                    _rule.OnControl(from, new ControlFrame((byte[])work.State!));
                    break;
            }
        }
        finally
        {
            if (work.Kind == WorkKind.PooledControl)
                System.Buffers.ArrayPool<byte>.Shared.Return((byte[])work.State!); // the rule kept copies of what it needs
        }
    }

    private void OnRequest(Peer from, Announce request, TimeSpan now)
    {
        // The rule sees every request, own ones coming back included; only new ones of others reach the application.
        var failures = _rule.Counters.SendFailures;
        var key = IdKeys.Of(request.Id); // hashed once for the rule, the budget check and the routes
        // Only new ids spend a peer's budget: duplicates cost nothing downstream, and an honest relay sends many.
        // A forgery is dropped before the rule marks its id seen: a forged copy must not shadow the genuine one.
        if (!_rule.HasSeen(key, now) && (!_limiter.TryAdmit(from, request.Hops, now) || _forgeries.Drops(from, request, response: false)))
            return;
        if (!_rule.OnRequest(from, request, key) || _own.Contains(key))
            return;
        _routes.Remember(key, from, now);
        if (MessageTypes.IsReserved(request.Type.Span))
        {
            // PeerNet's own types never reach applications; unknown ones (a newer node's) are only forwarded.
            if (request.Type.Equals(MessageTypes.Census))
                _census.OnRequest(from, request);
            else if (request.Type.Equals(MessageTypes.TopicFind))
                _topics.OnRequest(from, request);
            return;
        }
        _metrics.AnnounceReceived();
        _hub.Publish(new IncomingRequest(request, from, _random, _time.GetUtcNow()));
        // Tells the announcer that this node delivered it, back along the reverse path, batched with its subtree's.
        if (request.Report)
            _acks.Add(key, request.Id, request.Limit, from, new DeliveryAck(_self, request.Hops, from.RemoteId ?? default, (int)(_rule.Counters.SendFailures - failures)));
    }

    private void OnResponse(Peer from, Announce response, TimeSpan now)
    {
        if (response.Reply.IsEmpty)
        {
            Drop(from, "no_reply", "a response without a reply field cannot be routed");
            return;
        }
        // Where it goes is looked up first (one hash for both the own announces and the origins): a signature costs a
        // check of ~37 µs on this loop, so only a response this node can deliver or relay gets one.
        var replyKey = IdKeys.Of(response.Reply);
        var isOwn = _own.TryGet(replyKey, out var pending);
        var origin = isOwn ? null : _routes.OriginOf(replyKey, now);
        if (!isOwn && (origin is null || origin == from))
        {
            Drop(from, "no_route", "response to a request this node did not forward (or whose origin is gone)");
            return;
        }
        if (_forgeries.Drops(from, response, response: true))
            return; // before the duplicate cache, for the same reason as requests'
        // Checked before the duplicate cache: an original relay sends each answer twice (hops as received, then + 1),
        // and only the first copy, from the answering node itself, must carry that node's id.
        if (response.Type.Equals(MessageTypes.TopicFind) && !Topics.TopicWire.ClaimsSender(response, from))
        {
            _metrics.TopicMembersDropped("forged");
            Drop(from, "forged", "a topic answer with hops 0 that names another node than the peer that sent it");
            return;
        }
        if (!_routes.IsNew(response, now))
        {
            Drop(from, "duplicate", "duplicate response");
            return;
        }
        if (isOwn)
        {
            if (response.Type.Equals(MessageTypes.Ack))
            {
                // A delivery acknowledgement: it goes to the report, never to the announcer's stream or its max.
                if (pending.Report is { } report && DeliveryAck.TryDecode(response.Data.Span) is { } acks)
                {
                    foreach (var ack in acks)
                        report.Add(ack, now - report.PublishedAt);
                }
                else
                    Drop(from, "no_route", "an acknowledgement of an announce that asked for no report");
                return;
            }
            if (MessageTypes.IsReserved(response.Type.Span) && !pending.Request.Type.Equals(response.Type))
            {
                Drop(from, "no_route", "a reserved answer to an announce of another type");
                return;
            }
            if (pending.TryWrite(response))
            {
                _metrics.ResponseDelivered();
            }
            else
            {
                _limits.ResponseBuffer.Hit();
                Drop(from, "buffer_full", "the announcer's response buffer is full");
            }
            return;
        }
        if (response.Type.Equals(MessageTypes.Ack))
        {
            // Acknowledgements going by join this node's own batch toward the announcer instead of travelling one each.
            if (DeliveryAck.TryDecode(response.Data.Span) is not { } acks)
            {
                Drop(from, "invalid_ack", "an acknowledgement this node cannot read");
                return;
            }
            foreach (var ack in acks)
                _acks.Add(replyKey, response.Reply, response.Limit, origin!, ack);
            return;
        }
        // Relayed as received, one hop further: this loop owns the message, and parsing already dropped any field a
        // peer added beyond the known ones (the wire parser discards unknown fields).
        response.Hops++;
        if (origin!.TrySendResponse(response))
            _metrics.ResponseRelayed();
        else
            _metrics.ResponseDropped("send_queue_full");
    }

    private void Drop(Peer from, string tag, string reason)
    {
        _metrics.ResponseDropped(tag);
        Log.ResponseDropped(_logger, from, reason);
    }

    /// <summary>Sizes and the rule's own totals, read on collection (approximate while the loop runs).</summary>
    private void ObserveState(PeerNetMetrics metrics)
    {
        metrics.ObserveGauge("peernet.router.queue.length", "{message}", "Received gossip waiting for the announce router's loop.", () => Volatile.Read(ref _queued));
        metrics.ObserveGauge("peernet.announces.seen", "{id}", "Request ids remembered as seen.", () => _rule.SeenCount);
        metrics.ObserveGauge("peernet.responses.routes", "{route}", "Request origins remembered to route replies.", () => _routes.Origins);
        var counters = _rule.Counters;
        metrics.ObserveCounter("peernet.announces.copies.sent", "{copy}", "Full announce copies sent to peers (forwards and GRAFT answers).", () => counters.CopiesSent);
        metrics.ObserveCounter("peernet.announces.control.sent", "{frame}", "Control frames sent (IHAVE, GRAFT, PRUNE, NACK).", () => counters.ControlFramesSent);
        metrics.ObserveCounter("peernet.announces.duplicates", "{announce}", "Announce requests received again (already seen).", () => counters.DuplicatesReceived);
        metrics.ObserveCounter("peernet.announces.not_forwarded", "{announce}", "New requests not forwarded: the next hop would break MaxHops or the limit.", () => counters.NotForwarded);
    }

    internal enum WorkKind : byte
    {
        Request,
        Response,
        Control,
        PooledControl, // a control frame in an ArrayPool buffer, returned once handled
        PeerUp,
        PeerDown,
        Publish,
        EndAnnounce,
        Timer,
        Sweep,
    }

    /// <summary>One item of the loop: a received announce (an <see cref="Announce"/>) or control frame (its bytes) and its peer, or the loop's own work.</summary>
    private readonly record struct Work(WorkKind Kind, Peer? Peer, object? State);

    private sealed class TimerSlot(AnnounceRouter router)
    {
        public AnnounceRouter Router { get; } = router;

        public Action? Callback { get; set; }

        public ITimer? Timer { get; set; }
    }

    private static partial class Log
    {
        // Event ids 500-519 belong to the announce router (503-509: RequestLimiter; 510: Identity.ForgeryFilter). Next free: 511.
        [LoggerMessage(500, LogLevel.Debug, "Announce router: queue full, dropped a message from {Peer}")]
        public static partial void QueueFull(ILogger logger, Peer peer);

        [LoggerMessage(501, LogLevel.Debug, "Announce router: dropped a response from {Peer}: {Reason}")]
        public static partial void ResponseDropped(ILogger logger, Peer peer, string reason);

        [LoggerMessage(502, LogLevel.Error, "Announce router: handling {Kind} failed")]
        public static partial void WorkFailed(ILogger logger, Exception exception, WorkKind kind);
    }
}
