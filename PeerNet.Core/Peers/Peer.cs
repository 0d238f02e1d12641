using System.Net;
using PeerNet.Addressing;
using PeerNet.Gossip;
using PeerNet.Gossip.Dissemination;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Peers;

/// <summary>
/// One peer connection as the rest of the node sees it: who the peer is, how to send to it, and the state each
/// concern keeps about it (its dissemination link state, its node exchange), so no component keeps a table keyed by
/// peer. The connection's loops are its <see cref="PeerSession"/>'s; nothing else touches the socket.
/// </summary>
public sealed class Peer : GossipLink
{
    private readonly PeerSession _session;
    private readonly SessionContext _context;
    private int _waitingOwnSends;

    internal Peer(PeerSession session, SessionContext context)
    {
        _session = session;
        _context = context;
    }

    /// <summary>Who dialled.</summary>
    public PeerDirection Direction => _session.Direction;

    /// <summary>The address dialled (outbound); null for inbound peers.</summary>
    public PeerAddress? Address => _session.Address;

    /// <summary>Why this node dialled the peer (<see cref="DialPurpose.None"/> for inbound peers).</summary>
    public DialPurpose Purpose { get; internal init; }

    /// <summary>The peer's node id, once its _hello request has arrived.</summary>
    public NodeId? RemoteId => _session.RemoteId;

    /// <summary>True when the peer's _hello carried the PeerNet extension.</summary>
    public bool IsPeerNet => _session.IsPeerNet;

    /// <summary>True when the peer proved its node id in the handshake (it holds the key the id derives from).</summary>
    public bool IsVerified => _session.PublicKey is not null;

    /// <summary>The peer's proven 32-byte Ed25519 public key; null for an unverified peer.</summary>
    public ReadOnlyMemory<byte>? PublicKey => _session.PublicKey;

    /// <summary>The features a PeerNet peer announced.</summary>
    public HelloFeatures Features => _session.Features;

    /// <summary>When the connection opened.</summary>
    public DateTimeOffset ConnectedAt => _session.ConnectedAt;

    /// <summary>When the handshake completed.</summary>
    public DateTimeOffset? HandshakenAt => _session.HandshakenAt;

    /// <summary>True once the handshake is complete and the node accepted the peer.</summary>
    public bool IsHandshaken => _session.IsHandshaken;

    /// <summary>Completes when the handshake does; fails with <see cref="PeerConnectException"/> when the connection closes first.</summary>
    public Task Handshake => _session.Handshake;

    /// <summary>True once the connection is closing or closed.</summary>
    public bool IsClosed => _session.IsClosed;

    /// <summary>Why the connection closed, once it has.</summary>
    public string? CloseReason => _session.CloseReason;

    /// <summary>The transport's name (ws, wss, tcp, stream).</summary>
    public string Transport => _session.Transport;

    /// <summary>The peer's network address, when known.</summary>
    public EndPoint? RemoteEndPoint => _session.RemoteEndPoint;

    /// <summary>Traffic and trouble counters of this connection.</summary>
    public PeerCounters Counters => _session.Counters;

    /// <inheritdoc />
    public override bool TakesControlFrames => IsPeerNet && (Features & HelloFeatures.ControlFrames) != 0;

    /// <summary>This peer's messages waiting for the announce router's loop (its share of the router queue).</summary>
    internal int RouterQueued;

    /// <summary>Forged signed messages it sent (only the router's loop counts them): past <see cref="PeerNetLimits.MaxForgeriesPerSession"/> it is closed.</summary>
    internal int Forgeries;

    /// <summary>The source prefix of an inbound peer's IP (the key of the per-prefix cap), set when the table opens it.</summary>
    internal SourcePrefix? Source { get; set; }

    /// <summary>Its budget of new announce requests (made by the announce router's loop on its first request; only that loop touches it).</summary>
    internal Gossip.Announcing.RequestBudget? Requests { get; set; }

    /// <summary>Its budget of topic lookups this node answers (made by the topic responder on its first; only the router's loop touches it).</summary>
    internal Topics.LookupBudget? TopicLookups { get; set; }

    /// <summary>This node's key, for the node's signed replies to what this peer sent.</summary>
    internal Identity.NodeKey OwnKey => _context.Key;

    /// <summary>Node exchange's state for this peer (its outstanding request, its answer in progress).</summary>
    internal ExchangeState Exchange { get; } = new();

    /// <summary>Cancelled when the connection starts closing.</summary>
    internal CancellationToken Closing => _session.Closing;

    /// <summary>
    /// Queues traffic this node forwards for others. Never waits: when the peer's queue is full the message is
    /// dropped and counted, so a slow peer cannot stall the rest.
    /// </summary>
    public bool TrySend(Message message) => _session.TrySend(message);

    /// <summary>As <see cref="TrySend(Message)"/> for a response, sent without a <see cref="Message"/> object around it.</summary>
    internal bool TrySendResponse(Announce response) => _session.TrySend(OutboundFrame.Response(response));

    /// <summary>As <see cref="SendAsync"/> for a response, sent without a <see cref="Message"/> object around it.</summary>
    internal ValueTask<bool> SendResponseAsync(Announce response, CancellationToken cancellationToken = default) =>
        _session.SendAsync(OutboundFrame.Response(response), cancellationToken);

    /// <summary>
    /// Queues traffic this node originates, waiting for room in the peer's queue (honouring cancellation).
    /// Returns false when the connection has closed.
    /// </summary>
    public ValueTask<bool> SendAsync(Message message, CancellationToken cancellationToken = default) => _session.SendAsync(message, cancellationToken);

    /// <summary>
    /// Forwarded traffic is dropped (and counted) when the peer's queue is full; the node's own announces wait for room
    /// instead, off the caller's loop, up to <see cref="PeerNetLimits.MaxWaitingOwnSends"/> of them.
    /// </summary>
    public override bool TrySend(Message message, bool own) => TrySend(new OutboundFrame(message), own);

    /// <inheritdoc />
    public override bool TrySend(ControlFrame frame, bool own) => TrySend(new OutboundFrame(frame), own);

    private bool TrySend(OutboundFrame message, bool own)
    {
        if (!own)
            return _session.TrySend(message);
        if (_session.TryEnqueue(message))
            return true;
        if (IsClosed)
            return false;
        // A peer that stopped reading must not collect an unbounded pile of parked sends.
        if (Interlocked.Increment(ref _waitingOwnSends) > PeerNetLimits.MaxWaitingOwnSends)
        {
            Interlocked.Decrement(ref _waitingOwnSends);
            _context.Limits.WaitingOwnSends.Hit();
            _context.Metrics.MessageDropped("own_send_overflow");
            return false;
        }
        _ = SendOwnLaterAsync(message);
        return true;
    }

    /// <summary>Closes the connection (first caller's reason wins); later callers wait for the same close.</summary>
    public Task CloseAsync(string reason) => _session.CloseAsync(reason);

    /// <summary>This peer as <c>connections()</c> lists it.</summary>
    public PeerInfo Describe() =>
        new(Address?.Value, RemoteId?.ToString() ?? "", Direction, HandshakenAt ?? ConnectedAt, Transport, IsPeerNet, IsVerified);

    /// <summary>This peer with its traffic so far.</summary>
    public PeerTraffic DescribeTraffic()
    {
        var c = Counters;
        return new(Describe(), c.FramesReceived, c.FramesSent, c.BytesReceived, c.BytesSent, c.MessagesDiscarded, c.SendsDropped);
    }

    /// <inheritdoc />
    public override string ToString() => _session.ToString();

    private async Task SendOwnLaterAsync(OutboundFrame message)
    {
        try
        {
            await _session.SendAsync(message, Closing).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the connection closed while the frame waited: nothing to send it on
        }
        finally
        {
            Interlocked.Decrement(ref _waitingOwnSends);
        }
    }
}
