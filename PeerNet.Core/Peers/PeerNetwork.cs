using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Gossip;
using PeerNet.Gossip.Announcing;
using PeerNet.Protocol;
using PeerNet.Storage;
using PeerNet.Transport;

namespace PeerNet.Peers;

/// <summary>
/// Dialling and accepting: starts a session for each connection, gives it the node's handlers, admits it to the
/// <see cref="PeerTable"/> once handshaken (telling node exchange and the announce router), and closes them all at
/// shutdown. The caps are <see cref="AdmissionPolicy"/>'s.
/// </summary>
public sealed partial class PeerNetwork : IPeerAdmission, IAsyncDisposable
{
    private readonly PeerStore _store;
    private readonly TransportRegistry _transports;
    private readonly ILogger<PeerNetwork> _logger;
    private readonly IReadOnlyList<string> _advertised;
    private readonly PeerTable _table;
    private readonly SessionContext _context;
    private readonly PeerNetMetrics _metrics;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<PeerSession, Task> _running = new();

    /// <summary>Creates the network of a node.</summary>
    public PeerNetwork(
        NodeIdentity identity,
        PeerStore store,
        TransportRegistry transports,
        NodeExchange exchange,
        AnnounceRouter announces,
        PeerTable table,
        IOptions<PeerNetOptions> options,
        PeerNetLimits limits,
        PeerNetMetrics metrics,
        RandomSource random,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        Self = identity.Id;
        _store = store;
        _transports = transports;
        Options = options.Value;
        _metrics = metrics;
        _logger = loggers.CreateLogger<PeerNetwork>();
        _advertised = identity.AdvertisedAddresses;
        _table = table;
        _context = new SessionContext(identity.Key, identity.Extension, Options, random, time, limits, metrics, exchange, announces,
            loggers.CreateLogger<PeerSession>());
    }

    /// <summary>This node's id.</summary>
    public NodeId Self { get; }

    /// <summary>The node's options.</summary>
    public PeerNetOptions Options { get; }

    /// <summary>Raised when a peer completes its handshake.</summary>
    public event Action<Peer>? PeerConnected;

    /// <summary>Raised when a handshaken peer's connection closes.</summary>
    public event Action<Peer, string>? PeerDisconnected;

    /// <summary>Handshaken peers right now.</summary>
    public int Count => _table.Handshaken.Count;

    /// <summary>Handshaken peers this node dialled: what bootstrap keeps at <see cref="PeerNetOptions.Connections"/>.</summary>
    public int OutboundCount => _table.OutboundCount;

    /// <summary>True once shutdown began: the connections closing now say nothing about the network.</summary>
    public bool IsStopping => _table.IsStopping;

    /// <summary>Connections open right now, handshaken or not.</summary>
    public int OpenConnections => _table.OpenCount;

    /// <summary>The handshaken peers, oldest first (an immutable snapshot).</summary>
    public IReadOnlyList<Peer> Peers => _table.Handshaken;

    /// <summary>Addresses with an outbound connection open or being dialled right now, handshaken or not.</summary>
    public IReadOnlySet<string> OpenAddresses() => _table.OpenAddresses();

    /// <summary>Descriptions of the handshaken peers, oldest first.</summary>
    public IReadOnlyList<PeerInfo> Connections() => [.. Peers.Select(p => p.Describe())];

    /// <summary>
    /// Dials <paramref name="address"/> and completes the handshake; records connections.ok or .fail for it.
    /// <paramref name="purpose"/> says who asked: the engine's feelers and rotation never close an explicit link.
    /// </summary>
    /// <exception cref="PeerConnectException">The dial or handshake failed, or a cap or duplicate refused it; the message says why.</exception>
    public async Task<Peer> ConnectAsync(PeerAddress address, CancellationToken cancellationToken = default, DialPurpose purpose = DialPurpose.Explicit)
    {
        if (purpose == DialPurpose.None)
            throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "A dial has a purpose.");
        var transport = _transports.For(address);
        if (_advertised.Contains(address.Value))
            throw new PeerConnectException(address.Value, PeerConnectFailure.Self, "it is one of this node's own advertised addresses");
        if (_table.TryBeginDial(address) is { } refused)
        {
            if (refused.Failure == PeerConnectFailure.CapReached)
                _metrics.ConnectionRefused(refused.Tag);
            throw new PeerConnectException(address.Value, refused.Failure, refused.Reason);
        }

        try
        {
            PeerConnection connection;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(TimeSpan.FromMilliseconds(Options.ConnectTimeout));
                try
                {
                    connection = await transport.ConnectAsync(address, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new PeerConnectException(address.Value, PeerConnectFailure.Timeout, $"no connection within {Options.ConnectTimeout} ms");
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not PeerConnectException)
                {
                    throw new PeerConnectException(address.Value, PeerConnectFailure.Unreachable, FailureText.Of(ex), ex);
                }
            }

            var session = new PeerSession(connection, PeerDirection.Outbound, address, _context, this, purpose);
            if (_table.TryOpen(session.Peer, PeerDirection.Outbound, out _) is { } stopping)
            {
                await connection.DisposeAsync().ConfigureAwait(false); // shutdown began while it dialled
                throw new PeerConnectException(address.Value, PeerConnectFailure.CapReached, stopping.Reason);
            }
            _ = Run(session);
            using var cancel = cancellationToken.Register(static s => _ = ((PeerSession)s!).CloseAsync("connect cancelled"), session);
            await session.Handshake.ConfigureAwait(false);
            _store.TryRecord(address, StatField.ConnectionOk);
            return session.Peer;
        }
        catch (PeerConnectException ex)
        {
            if (ex.Failure is PeerConnectFailure.Unreachable or PeerConnectFailure.Timeout or PeerConnectFailure.HandshakeFailed or PeerConnectFailure.Unverified)
                _store.TryRecord(address, StatField.ConnectionFail);
            Log.DialFailed(_logger, address.Value, ex.Reason);
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
        finally
        {
            _table.EndDial(address);
        }
    }

    /// <summary>
    /// Runs an accepted connection (a /peer WebSocket, a tcp connection, any duplex stream: the original's
    /// <c>createStream()</c>) until it closes. Over a cap it is closed at once.
    /// </summary>
    public async Task RunInboundAsync(PeerConnection connection, CancellationToken cancellationToken = default)
    {
        var session = new PeerSession(connection, PeerDirection.Inbound, address: null, _context, this);
        if (_table.TryOpen(session.Peer, PeerDirection.Inbound, out var evicted) is { } refusal)
        {
            _metrics.ConnectionRefused(refusal.Tag);
            Log.InboundRefused(_logger, connection.RemoteEndPoint?.ToString() ?? "?", refusal.Reason);
            connection.Abort();
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }
        if (evicted is { } victim)
        {
            var remote = connection.RemoteEndPoint?.ToString() ?? "?";
            var why = victim.Tag == "pending"
                ? $"evicted for {remote}: inbound is full, and it was the oldest pending handshake of the most crowded prefix"
                : $"evicted for {remote}: inbound is full, and it was the youngest unprotected peer of the most crowded prefix";
            _metrics.ConnectionEvicted(victim.Tag);
            Log.InboundEvicted(_logger, victim.Peer.ToString(), why);
            _ = victim.Peer.CloseAsync(why);
        }
        using var aborted = cancellationToken.Register(static s => _ = ((PeerSession)s!).CloseAsync("connection aborted"), session);
        await Run(session).ConfigureAwait(false);
    }

    /// <summary>Closes the outbound connection to <paramref name="address"/>; false when there is none.</summary>
    public async Task<bool> DisconnectAsync(PeerAddress address)
    {
        if (_table.FindOutbound(address) is not { } peer)
            return false;
        await peer.CloseAsync("disconnected by this node").ConfigureAwait(false);
        return true;
    }

    /// <summary>Closes the connection to the peer with node id <paramref name="peerId"/>; false when there is none.</summary>
    public async Task<bool> DisconnectAsync(NodeId peerId)
    {
        if (_table.Find(peerId) is not { } peer)
            return false;
        await peer.CloseAsync("disconnected by this node").ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops taking connections and closes every session.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var open = _table.BeginStop();
        await Task.WhenAll(open.Select(p => p.CloseAsync("node shutting down"))).WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    HandshakeRefusal? IPeerAdmission.Admit(Peer peer)
    {
        var refusal = _table.Admit(peer, Self, out var replaced);
        if (refusal is not null)
            return refusal;
        if (replaced is not null)
            _ = replaced.CloseAsync($"replaced by the connection node {(peer.Direction == PeerDirection.Outbound ? Self : peer.RemoteId)} dialled");
        Log.PeerConnected(_logger, LevelOf(peer), peer.ToString(), Count);
        _context.Announces.OnPeerUp(peer);
        _context.Exchange.OnPeerUp(peer);
        PeerConnected?.Invoke(peer);
        return null;
    }

    void IPeerAdmission.Forget(Peer peer) => _table.Forget(peer);

    /// <summary>
    /// Outbound peers (this node's few choices) come and go at Information; inbound ones at Debug: whoever connects
    /// chooses how often, and a peer churning connections must not grow the node's logs (threat L6).
    /// </summary>
    private static LogLevel LevelOf(Peer peer) => peer.Direction == PeerDirection.Outbound ? LogLevel.Information : LogLevel.Debug;

    void IPeerAdmission.Depart(Peer peer, string reason)
    {
        if (!_table.Depart(peer))
            return;
        Log.PeerDisconnected(_logger, LevelOf(peer), peer.ToString(), reason);
        _context.Announces.OnPeerDown(peer);
        try
        {
            PeerDisconnected?.Invoke(peer, reason);
        }
        catch (Exception ex)
        {
            // A subscriber's bug must not stop the close (the session still disposes its socket and completes CloseAsync).
            Log.DisconnectHandlerFailed(_logger, ex, peer.ToString());
        }
    }

    private Task Run(PeerSession session)
    {
        var run = session.RunAsync();
        _running[session] = run;
        _ = run.ContinueWith(_ => _running.TryRemove(session, out Task? _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return run;
    }

    private static partial class Log
    {
        // Event ids 300-399 belong to the peer network. Next free: 307.
        [LoggerMessage(EventId = 300, Message = "Peer connected: {Peer} ({Count} handshaken)")]
        public static partial void PeerConnected(ILogger logger, LogLevel level, string peer, int count);

        [LoggerMessage(EventId = 301, Message = "Peer disconnected: {Peer}: {Reason}")]
        public static partial void PeerDisconnected(ILogger logger, LogLevel level, string peer, string reason);

        [LoggerMessage(302, LogLevel.Debug, "Dial to {Address} failed: {Reason}")]
        public static partial void DialFailed(ILogger logger, string address, string reason);

        [LoggerMessage(303, LogLevel.Debug, "Inbound connection from {Remote} refused: {Reason}")]
        public static partial void InboundRefused(ILogger logger, string remote, string reason);

        [LoggerMessage(306, LogLevel.Debug, "Inbound connection {Peer} closed: {Reason}")]
        public static partial void InboundEvicted(ILogger logger, string peer, string reason);

        [LoggerMessage(305, LogLevel.Warning, "A PeerDisconnected handler failed for {Peer}")]
        public static partial void DisconnectHandlerFailed(ILogger logger, Exception exception, string peer);
    }
}
