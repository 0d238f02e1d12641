using Google.Protobuf;
using PeerNet.Addressing;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Transport;

namespace PeerNet.Peers;

/// <summary>
/// The loops of one connection: reading (PeerSession.Read.cs: frames, limits, dispatch), writing
/// (PeerSession.Write.cs: the bounded send queue and its single writer), the _hello handshake
/// (PeerSession.Handshake.cs), keep-alive (PeerSession.KeepAlive.cs), and closing once. Its <see cref="Peer"/> is how
/// the rest of the node sees it; no other code touches the connection.
/// </summary>
internal sealed partial class PeerSession
{
    private readonly PeerConnection _connection;
    private readonly SessionContext _context;
    private readonly IPeerAdmission _admission;
    private readonly BoundedQueue<OutboundFrame> _queue;
    private readonly int _requestRoom; // of the send queue, what forwarded requests may fill (the rest: responses, control)
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ByteString _helloId;
    private readonly Identity.HandshakeProof _proof = new();
    private readonly int _maxFrameLength;
    private readonly int _maxHops;
    private Task? _closed;
    private Task? _writer;
    private Task? _watchdog;
    private PeerConnectFailure _failure = PeerConnectFailure.HandshakeFailed;

    internal PeerSession(PeerConnection connection, PeerDirection direction, PeerAddress? address, SessionContext context, IPeerAdmission admission,
        DialPurpose purpose = DialPurpose.None)
    {
        _connection = connection;
        _context = context;
        _admission = admission;
        Direction = direction;
        Address = address;
        var options = context.Options;
        _maxFrameLength = options.MaxFrameLength;
        _maxHops = options.MaxHops;
        _queue = new BoundedQueue<OutboundFrame>(options.SendQueueCapacity);
        _requestRoom = options.SendQueueCapacity - options.SendQueueCapacity / PeerNetLimits.ResponseLaneDivisor;
        _helloId = Messages.NewOwnedId(context.Random);
        ConnectedAt = context.Time.GetUtcNow();
        _lastReceivedTicks = _lastSentTicks = context.Time.GetTimestamp();
        Peer = new Peer(this, context) { Purpose = purpose };
    }

    /// <summary>The connection as the rest of the node sees it.</summary>
    public Peer Peer { get; }

    public PeerDirection Direction { get; }

    public PeerAddress? Address { get; }

    public NodeId? RemoteId { get; private set; }

    public bool IsPeerNet { get; private set; }

    public HelloFeatures Features { get; private set; }

    /// <summary>The peer's proven public key (its node id is that key's); null for an unverified peer.</summary>
    public ReadOnlyMemory<byte>? PublicKey => _proof.VerifiedKey;

    public DateTimeOffset ConnectedAt { get; }

    public DateTimeOffset? HandshakenAt { get; private set; }

    public bool IsHandshaken => _handshake.Task.IsCompletedSuccessfully;

    public Task Handshake => _handshake.Task;

    public bool IsClosed => Volatile.Read(ref _closed) is not null;

    public string? CloseReason { get; private set; }

    public string Transport => _connection.Transport;

    public System.Net.EndPoint? RemoteEndPoint => _connection.RemoteEndPoint;

    public PeerCounters Counters { get; } = new();

    public CancellationToken Closing => _closing.Token;

    /// <summary>Runs the session until it closes: sends _hello, reads, writes, keeps alive.</summary>
    internal async Task RunAsync()
    {
        _writer = WriteLoopAsync();
        _queue.TryWrite(Identity.HelloProof.Request(_helloId, _context.Key, _context.Extension, _proof.OwnChallenge));
        // In a field the watchdog clears when it ends early (WebSocket peers, right after the handshake): a local would
        // keep its finished task alive in this method's state for the whole connection.
        _watchdog = WatchAsync();
        string reason;
        try
        {
            reason = await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            reason = $"read failed: {ex.Message}";
            Log.ReadFailed(_context.Logger, ex, this);
        }
        await CloseAsync(reason).ConfigureAwait(false);
        if (_watchdog is { } watchdog)
            await watchdog.ConfigureAwait(false);
    }

    /// <summary>Closes the session (first caller's reason wins); later callers wait for the same close.</summary>
    public Task CloseAsync(string reason)
    {
        var close = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var existing = Interlocked.CompareExchange(ref _closed, close.Task, null);
        if (existing is not null)
            return existing;
        _ = CloseCoreAsync(reason, close);
        return close.Task;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Direction.ToString().ToLowerInvariant()} {Transport} {(Address?.Value ?? RemoteEndPoint?.ToString() ?? "?")} [{RemoteId?.ToString() ?? "no hello"}]";

    private async Task CloseCoreAsync(string reason, TaskCompletionSource done)
    {
        CloseReason = reason;
        Log.Closing(_context.Logger, this, reason);
        _queue.Complete();
        _closing.Cancel();
        _connection.Pipe.Input.CancelPendingRead(); // the read loop waits without a token
        if (_handshake.TrySetException(new PeerConnectException(Address?.Value ?? "inbound peer", _failure, reason)))
            _context.Metrics.Handshake(FailureTag(_failure));
        _handshake.Task.Exception?.Handle(_ => true); // observed here: nobody may be awaiting an inbound handshake
        try
        {
            // It stops being a connected peer first: a transport slow to close must not keep it counted as connected. Its
            // socket counts against the caps until it is closed (each transport bounds that in time). Inside the try: a
            // throwing PeerDisconnected handler must not leave the socket open and CloseAsync pending for ever (L11).
            _admission.Depart(Peer, reason);
            if (_writer is not null)
                await _writer.ConfigureAwait(false);
            // What the writer never sent goes now: a closed session referenced for a while (a reply handle, an
            // IncomingRequest) must not keep up to a queue's worth of messages alive with it (threat M5).
            while (_queue.TryRead(out _))
            {
            }
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.CloseFailed(_context.Logger, ex, this);
        }
        finally
        {
            _admission.Forget(Peer);
            done.TrySetResult();
        }
    }

    private static string FailureTag(PeerConnectFailure failure) => failure switch
    {
        PeerConnectFailure.Timeout => "timeout",
        PeerConnectFailure.Self => "self",
        PeerConnectFailure.AlreadyConnected => "already_connected",
        PeerConnectFailure.CapReached => "cap_reached",
        PeerConnectFailure.Unverified => "unverified",
        _ => "closed",
    };

    private string Violation(string reason)
    {
        Interlocked.Increment(ref Counters.Violations);
        _context.Metrics.Violation();
        Log.Violation(_context.Logger, this, reason);
        return "protocol violation: " + reason;
    }

    private string? Ignore(string reason)
    {
        Interlocked.Increment(ref Counters.Unsolicited);
        _context.Metrics.MessageDropped("unsolicited");
        Log.Ignored(_context.Logger, this, reason);
        return null;
    }
}
