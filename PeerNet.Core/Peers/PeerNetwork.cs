using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Storage;
using PeerNet.Transport;

namespace PeerNet.Peers;

/// <summary>Information about one handshaken peer.</summary>
/// <param name="Address">The address dialled (outbound), or null (inbound).</param>
/// <param name="PeerId">The peer's node id, 32 hex characters.</param>
/// <param name="Direction">Who dialled.</param>
/// <param name="Since">When the handshake completed.</param>
/// <param name="Transport">ws, wss, tcp or stream.</param>
/// <param name="IsPeerNet">True for a PeerNet node, false for an original one.</param>
public sealed record PeerInfo(string? Address, string PeerId, PeerDirection Direction, DateTimeOffset Since, string Transport, bool IsPeerNet);

/// <summary>Receives the messages of handshaken peers that the session does not handle itself (the gossip engine).</summary>
public interface IPeerMessageHandler
{
    /// <summary>A validated message from <paramref name="peer"/>: an _addrs response, an announce or a reply.</summary>
    void OnMessage(PeerSession peer, Message message);
}

/// <summary>
/// The node's connections: dialling, accepting, the connection caps, the table of handshaken peers (one per
/// node id), and closing them all at shutdown.
/// </summary>
public sealed partial class PeerNetwork : IPeerSessionOwner, IAsyncDisposable
{
    private readonly PeerStore _store;
    private readonly TransportRegistry _transports;
    private readonly ILogger<PeerNetwork> _logger;
    private readonly ILogger<PeerSession> _sessionLogger;
    private readonly IReadOnlyList<string> _advertised;
    private readonly object _gate = new();
    private readonly HashSet<PeerSession> _sessions = [];
    private readonly Dictionary<NodeId, PeerSession> _peers = [];
    // Sessions announced by PeerConnected: each gets exactly one PeerDisconnected, even one replaced in _peers.
    private readonly HashSet<PeerSession> _announced = [];
    private readonly Dictionary<IPAddress, int> _inboundByAddress = [];
    private readonly HashSet<string> _dialing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PeerSession, Task> _running = new();
    private long _refusedPeers, _refusedPending, _refusedPerAddress, _unhandled;
    private long _closedViolations, _closedDiscards, _closedDrops;
    private bool _stopping;

    /// <summary>Creates the network of a node.</summary>
    public PeerNetwork(
        NodeIdentity identity,
        PeerStore store,
        TransportRegistry transports,
        IOptions<PeerNetOptions> options,
        RandomSource random,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        Self = identity.Id;
        Extension = identity.Extension;
        _store = store;
        _transports = transports;
        Options = options.Value;
        Random = random;
        Time = time;
        _logger = loggers.CreateLogger<PeerNetwork>();
        _sessionLogger = loggers.CreateLogger<PeerSession>();
        _advertised = identity.AdvertisedAddresses;
    }

    /// <inheritdoc />
    public NodeId Self { get; }

    /// <inheritdoc />
    public HelloExtension Extension { get; }

    /// <inheritdoc />
    public PeerNetOptions Options { get; }

    /// <inheritdoc />
    public RandomSource Random { get; }

    /// <inheritdoc />
    public TimeProvider Time { get; }

    /// <summary>Receives gossip messages; until one is set they are counted and dropped.</summary>
    public IPeerMessageHandler? MessageHandler { get; set; }

    /// <summary>Raised when a peer completes its handshake.</summary>
    public event Action<PeerSession>? PeerConnected;

    /// <summary>Raised when a handshaken peer's connection closes.</summary>
    public event Action<PeerSession, string>? PeerDisconnected;

    /// <summary>Handshaken peers right now.</summary>
    public int Count
    {
        get { lock (_gate) return _peers.Count; }
    }

    /// <summary>Connections refused at the total peer cap.</summary>
    public long RefusedAtPeerCap => Interlocked.Read(ref _refusedPeers);

    /// <summary>Connections refused at the pending-handshake cap.</summary>
    public long RefusedAtPendingCap => Interlocked.Read(ref _refusedPending);

    /// <summary>Connections refused at the per-address cap.</summary>
    public long RefusedAtAddressCap => Interlocked.Read(ref _refusedPerAddress);

    /// <summary>Protocol violations seen on all connections since start (each closed its connection).</summary>
    public long ProtocolViolations => Total(() => _closedViolations, c => c.ProtocolViolations);

    /// <summary>Messages discarded for breaking a field limit, on all connections since start.</summary>
    public long MessagesDiscarded => Total(() => _closedDiscards, c => c.MessagesDiscarded);

    /// <summary>Forwarded messages dropped at full send queues, on all connections since start.</summary>
    public long SendsDropped => Total(() => _closedDrops, c => c.SendsDropped);

    /// <summary>Connections open right now, handshaken or not.</summary>
    public int OpenConnections
    {
        get { lock (_gate) return _sessions.Count; }
    }

    /// <summary>Gossip messages dropped because no handler was set.</summary>
    public long UnhandledMessages => Interlocked.Read(ref _unhandled);

    /// <summary>The handshaken peers.</summary>
    public IReadOnlyList<PeerSession> Peers
    {
        get { lock (_gate) return [.. _peers.Values]; }
    }

    /// <summary>Addresses with an outbound connection open or being dialled right now, handshaken or not.</summary>
    public IReadOnlySet<string> OpenAddresses()
    {
        lock (_gate)
        {
            var open = new HashSet<string>(_dialing, StringComparer.Ordinal);
            foreach (var session in _sessions)
            {
                if (session.Address is { } address)
                    open.Add(address.Value);
            }
            return open;
        }
    }

    /// <summary>Descriptions of the handshaken peers.</summary>
    public IReadOnlyList<PeerInfo> Connections() =>
        Peers.Select(p => new PeerInfo(p.Address?.Value, p.RemoteId!.Value.ToString(), p.Direction, p.HandshakenAt ?? p.ConnectedAt, p.Transport, p.IsPeerNet))
            .OrderBy(p => p.Since).ToList();

    /// <summary>
    /// Dials <paramref name="address"/> and completes the handshake; records connections.ok or .fail for it.
    /// </summary>
    /// <exception cref="PeerConnectException">The dial or handshake failed, or a cap or duplicate refused it; the message says why.</exception>
    public async Task<PeerSession> ConnectAsync(PeerAddress address, CancellationToken cancellationToken = default)
    {
        var transport = _transports.For(address);
        lock (_gate)
        {
            if (_stopping)
                throw new PeerConnectException(address.Value, PeerConnectFailure.CapReached, "the node is shutting down");
            if (_advertised.Contains(address.Value))
                throw new PeerConnectException(address.Value, PeerConnectFailure.Self, "it is one of this node's own advertised addresses");
            if (_sessions.Any(s => address.Equals(s.Address)) || !_dialing.Add(address.Value))
                throw new PeerConnectException(address.Value, PeerConnectFailure.AlreadyConnected, "a connection to that address is already open");
            if (RefusalLocked(remote: null) is { } cap)
            {
                _dialing.Remove(address.Value);
                throw new PeerConnectException(address.Value, PeerConnectFailure.CapReached, cap);
            }
        }

        PeerSession? session = null;
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
                    throw new PeerConnectException(address.Value, PeerConnectFailure.Unreachable, ex.Message, ex);
                }
            }

            try
            {
                session = Start(connection, PeerDirection.Outbound, address);
            }
            catch (PeerConnectException)
            {
                await connection.DisposeAsync().ConfigureAwait(false); // shutdown began while it dialled
                throw;
            }
            using var cancel = cancellationToken.Register(static s => _ = ((PeerSession)s!).CloseAsync("connect cancelled"), session);
            await session.Handshake.ConfigureAwait(false);
            _store.TryRecord(address, StatField.ConnectionOk);
            return session;
        }
        catch (PeerConnectException ex)
        {
            if (ex.Failure is PeerConnectFailure.Unreachable or PeerConnectFailure.Timeout or PeerConnectFailure.HandshakeFailed)
                _store.TryRecord(address, StatField.ConnectionFail);
            Log.DialFailed(_logger, address.Value, ex.Reason);
            cancellationToken.ThrowIfCancellationRequested();
            throw;
        }
        finally
        {
            lock (_gate)
                _dialing.Remove(address.Value);
        }
    }

    /// <summary>
    /// Runs an accepted connection (a /peer WebSocket, a tcp connection, any duplex stream: the original's
    /// <c>createStream()</c>) until it closes. Over a cap it is closed at once.
    /// </summary>
    public async Task RunInboundAsync(PeerConnection connection, CancellationToken cancellationToken = default)
    {
        PeerSession session;
        var remote = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        lock (_gate)
        {
            var refusal = _stopping ? "the node is shutting down" : RefusalLocked(remote);
            if (refusal is not null)
            {
                Log.InboundRefused(_logger, connection.RemoteEndPoint?.ToString() ?? "?", refusal);
                connection.Abort();
                session = null!;
            }
            else
            {
                session = Create(connection, PeerDirection.Inbound, address: null);
                if (CountsPerAddress(remote))
                    _inboundByAddress[remote!] = _inboundByAddress.GetValueOrDefault(remote!) + 1;
            }
        }
        if (session is null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return;
        }

        using var aborted = cancellationToken.Register(static s => _ = ((PeerSession)s!).CloseAsync("connection aborted"), session);
        await Run(session).ConfigureAwait(false);
    }

    /// <summary>Closes the outbound connection to <paramref name="address"/>; false when there is none.</summary>
    public async Task<bool> DisconnectAsync(PeerAddress address)
    {
        PeerSession? session;
        lock (_gate)
            session = _sessions.FirstOrDefault(s => address.Equals(s.Address));
        if (session is null)
            return false;
        await session.CloseAsync("disconnected by this node").ConfigureAwait(false);
        return true;
    }

    /// <summary>Closes the connection to the peer with node id <paramref name="peerId"/>; false when there is none.</summary>
    public async Task<bool> DisconnectAsync(NodeId peerId)
    {
        PeerSession? session;
        lock (_gate)
            _peers.TryGetValue(peerId, out session);
        if (session is null)
            return false;
        await session.CloseAsync("disconnected by this node").ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops taking connections and closes every session.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        PeerSession[] sessions;
        lock (_gate)
        {
            _stopping = true;
            sessions = [.. _sessions];
        }
        await Task.WhenAll(sessions.Select(s => s.CloseAsync("node shutting down"))).WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    HandshakeRefusal? IPeerSessionOwner.OnHandshake(PeerSession session)
    {
        var id = session.RemoteId!.Value;
        PeerSession? replaced = null;
        lock (_gate)
        {
            // Closed while its read loop was completing the handshake: it must not enter the table.
            if (!_sessions.Contains(session))
                return new HandshakeRefusal(PeerConnectFailure.HandshakeFailed, "the connection closed during the handshake");
            if (_peers.TryGetValue(id, out var existing) && existing != session)
            {
                // Crossed dials (one each way): both ends keep the connection the lower node id dialled.
                var keepNew = existing.Direction != session.Direction
                    && (session.Direction == PeerDirection.Outbound) == (Self.CompareTo(id) < 0);
                if (!keepNew)
                    return new HandshakeRefusal(PeerConnectFailure.AlreadyConnected, $"already connected to node {id}");
                replaced = existing;
            }
            _peers[id] = session;
            _announced.Add(session);
        }
        if (replaced is not null)
            _ = replaced.CloseAsync($"replaced by the connection node {(session.Direction == PeerDirection.Outbound ? Self : id)} dialled");
        Log.PeerConnected(_logger, session.ToString(), Count);
        PeerConnected?.Invoke(session);
        return null;
    }

    void IPeerSessionOwner.OnMessage(PeerSession session, Message message)
    {
        if (MessageHandler is { } handler)
            handler.OnMessage(session, message);
        else
            Interlocked.Increment(ref _unhandled);
    }

    async Task<IReadOnlyList<string>> IPeerSessionOwner.PickAddressesAsync(int count, CancellationToken cancellationToken)
    {
        if (count <= 0)
            return [];
        var picked = _advertised.Take(count).ToList();
        if (picked.Count < count)
            picked.AddRange(await _store.SampleAsync(count - picked.Count, cancellationToken).ConfigureAwait(false));
        return picked;
    }

    void IPeerSessionOwner.OnAddressesSent(PeerSession session, int count)
    {
        if (count > 0 && session.Address is { } address)
            _store.TryRecord(address, StatField.NodesTx, count);
    }

    void IPeerSessionOwner.OnClosed(PeerSession session, string reason)
    {
        bool wasPeer;
        lock (_gate)
        {
            if (_sessions.Remove(session))
            {
                _closedViolations += session.Counters.ProtocolViolations;
                _closedDiscards += session.Counters.MessagesDiscarded;
                _closedDrops += session.Counters.SendsDropped;
            }
            if (session.RemoteId is { } id && _peers.TryGetValue(id, out var current) && current == session)
                _peers.Remove(id);
            wasPeer = _announced.Remove(session);
            var remote = (session.RemoteEndPoint as IPEndPoint)?.Address;
            if (session.Direction == PeerDirection.Inbound && CountsPerAddress(remote) && _inboundByAddress.TryGetValue(remote!, out var n))
            {
                if (n <= 1) _inboundByAddress.Remove(remote!);
                else _inboundByAddress[remote!] = n - 1;
            }
        }
        if (wasPeer)
        {
            Log.PeerDisconnected(_logger, session.ToString(), reason);
            PeerDisconnected?.Invoke(session, reason);
        }
    }

    /// <summary>A counter over closed sessions plus the live ones, read consistently under the gate.</summary>
    private long Total(Func<long> closed, Func<PeerCounters, long> live)
    {
        lock (_gate)
            return closed() + _sessions.Sum(s => live(s.Counters));
    }

    private PeerSession Start(PeerConnection connection, PeerDirection direction, PeerAddress? address)
    {
        PeerSession session;
        lock (_gate)
            session = Create(connection, direction, address);
        _ = Run(session);
        return session;
    }

    /// <summary>Creates and registers a session; call under the gate.</summary>
    private PeerSession Create(PeerConnection connection, PeerDirection direction, PeerAddress? address)
    {
        if (_stopping)
            throw new PeerConnectException(address?.Value ?? "inbound peer", PeerConnectFailure.CapReached, "the node is shutting down");
        var session = new PeerSession(connection, direction, address, this, _sessionLogger);
        _sessions.Add(session);
        return session;
    }

    private Task Run(PeerSession session)
    {
        var run = session.RunAsync();
        _running[session] = run;
        _ = run.ContinueWith(_ => _running.TryRemove(session, out Task? _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return run;
    }

    /// <summary>Why a new connection may not open now (a cap), or null; call under the gate.</summary>
    private string? RefusalLocked(IPAddress? remote)
    {
        if (_sessions.Count >= Options.MaxPeers)
        {
            Interlocked.Increment(ref _refusedPeers);
            return $"at the peer cap (PeerNet:MaxPeers = {Options.MaxPeers})";
        }
        var pending = _sessions.Count - _peers.Count;
        if (pending >= Options.MaxPendingHandshakes)
        {
            Interlocked.Increment(ref _refusedPending);
            return $"at the pending-handshake cap (PeerNet:MaxPendingHandshakes = {Options.MaxPendingHandshakes})";
        }
        if (CountsPerAddress(remote) && _inboundByAddress.GetValueOrDefault(remote!) >= Options.MaxConnectionsPerAddress)
        {
            Interlocked.Increment(ref _refusedPerAddress);
            return $"at the per-address cap for {remote} (PeerNet:MaxConnectionsPerAddress = {Options.MaxConnectionsPerAddress})";
        }
        return null;
    }

    /// <summary>Loopback is exempt from the per-address cap, so local test networks and benchmarks work.</summary>
    private static bool CountsPerAddress(IPAddress? remote) =>
        remote is not null && !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    private static partial class Log
    {
        // Event ids 300-399 belong to the peer network. Next free: 305.
        [LoggerMessage(300, LogLevel.Information, "Peer connected: {Peer} ({Count} handshaken)")]
        public static partial void PeerConnected(ILogger logger, string peer, int count);

        [LoggerMessage(301, LogLevel.Information, "Peer disconnected: {Peer}: {Reason}")]
        public static partial void PeerDisconnected(ILogger logger, string peer, string reason);

        [LoggerMessage(302, LogLevel.Debug, "Dial to {Address} failed: {Reason}")]
        public static partial void DialFailed(ILogger logger, string address, string reason);

        [LoggerMessage(303, LogLevel.Debug, "Inbound connection from {Remote} refused: {Reason}")]
        public static partial void InboundRefused(ILogger logger, string remote, string reason);
    }
}
