using System.Diagnostics.Metrics;
using System.Net;
using PeerNet.Addressing;
using PeerNet.Protocol;

namespace PeerNet.Peers;

/// <summary>
/// The one table of the node's connections: every open one, the handshaken ones by node id (one per node), inbound
/// counts per source prefix for the caps, inbound ones being evicted for newcomers, and addresses being dialled. Thread-safe (a lock: connections come and go rarely);
/// the handshaken peers are also kept as an immutable snapshot, so readers never take the lock.
/// </summary>
public sealed class PeerTable
{
    private readonly Lock _gate = new();
    private readonly HashSet<Peer> _open = [];
    private readonly Dictionary<NodeId, Peer> _byId = [];
    private readonly HashSet<Peer> _handshaken = [];
    private readonly Dictionary<SourcePrefix, int> _inboundByPrefix = [];
    private readonly HashSet<Peer> _evicting = [];
    private readonly HashSet<string> _dialing = new(StringComparer.Ordinal);
    private readonly PeerNetOptions _options;
    private readonly TimeProvider _time;
    private Peer[] _snapshot = [];
    private int _inboundOpen, _inboundHandshaken, _outboundHandshaken;
    private long _retiredFramesIn, _retiredFramesOut, _retiredBytesIn, _retiredBytesOut;

    /// <summary>The table of a node.</summary>
    public PeerTable(Microsoft.Extensions.Options.IOptions<PeerNetOptions> options, PeerNetMetrics metrics, PeerNetLimits limits, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        Limits = limits;
        metrics.ObserveGauge("peernet.peers.connected", "{peer}", "Handshaken peers, by direction and transport.", ConnectedByKind);
        metrics.ObserveGauge("peernet.connections.open", "{connection}", "Open connections, handshaken or still in their handshake.", () => OpenCount);
        metrics.ObserveCounter("peernet.frames.received", "{frame}", "Frames received from peers (keep-alives included).", () => Traffic(static c => c.FramesReceived, static t => t._retiredFramesIn));
        metrics.ObserveCounter("peernet.frames.sent", "{frame}", "Frames sent to peers.", () => Traffic(static c => c.FramesSent, static t => t._retiredFramesOut));
        metrics.ObserveCounter("peernet.bytes.received", "By", "Bytes of frames received from peers.", () => Traffic(static c => c.BytesReceived, static t => t._retiredBytesIn));
        metrics.ObserveCounter("peernet.bytes.sent", "By", "Bytes of frames sent to peers.", () => Traffic(static c => c.BytesSent, static t => t._retiredBytesOut));
    }

    internal PeerNetLimits Limits { get; }

    /// <summary>Handshaken peers right now (an immutable snapshot).</summary>
    public IReadOnlyList<Peer> Handshaken => Volatile.Read(ref _snapshot);

    internal int OpenCount
    {
        get { lock (_gate) return _open.Count; }
    }

    /// <summary>Handshaken peers this node dialled (what bootstrap keeps at PeerNet:Connections).</summary>
    internal int OutboundCount
    {
        get { lock (_gate) return _outboundHandshaken; }
    }

    internal bool IsStopping { get; private set; }

    /// <summary>Addresses with an outbound connection open or being dialled right now, handshaken or not.</summary>
    internal IReadOnlySet<string> OpenAddresses()
    {
        lock (_gate)
        {
            var open = new HashSet<string>(_dialing, StringComparer.Ordinal);
            foreach (var peer in _open)
            {
                if (peer.Address is { } address)
                    open.Add(address.Value);
            }
            return open;
        }
    }

    /// <summary>Reserves a dial to <paramref name="address"/>; null, or why it may not start.</summary>
    internal (PeerConnectFailure Failure, string Tag, string Reason)? TryBeginDial(PeerAddress address)
    {
        lock (_gate)
        {
            if (IsStopping)
                return (PeerConnectFailure.CapReached, "stopping", "the node is shutting down");
            if (_open.Any(p => address.Equals(p.Address)) || _dialing.Contains(address.Value))
                return (PeerConnectFailure.AlreadyConnected, "already_connected", "a connection to that address is already open");
            var verdict = CheckLocked(source: null, inbound: false);
            if (verdict != Admission.Admitted)
                return (PeerConnectFailure.CapReached, AdmissionPolicy.Tag(verdict), AdmissionPolicy.Describe(verdict, null, _options));
            _dialing.Add(address.Value);
            return null;
        }
    }

    internal void EndDial(PeerAddress address)
    {
        lock (_gate)
            _dialing.Remove(address.Value);
    }

    /// <summary>
    /// Registers a new connection: inbound ones are checked against the caps here (outbound ones were at their dial).
    /// An inbound one over the inbound or pending cap may take the place of another (<paramref name="evicted"/>, which
    /// the caller closes; it stops counting against the caps at once) by <see cref="InboundEviction"/>'s rule.
    /// </summary>
    internal (string Tag, string Reason)? TryOpen(Peer peer, PeerDirection direction, out (Peer Peer, string Tag)? evicted)
    {
        evicted = null;
        var remote = (peer.RemoteEndPoint as IPEndPoint)?.Address;
        lock (_gate)
        {
            if (IsStopping)
                return ("stopping", "the node is shutting down");
            if (direction == PeerDirection.Inbound)
            {
                var source = AdmissionPolicy.SourceOf(remote, _options);
                var verdict = CheckLocked(source, inbound: true);
                if (AdmissionPolicy.MayEvict(verdict) && TryEvictLocked(source, verdict) is { } victim)
                {
                    evicted = victim;
                    verdict = Admission.Admitted;
                }
                if (verdict != Admission.Admitted)
                    return (AdmissionPolicy.Tag(verdict), AdmissionPolicy.Describe(verdict, remote, _options));
                peer.Source = source;
                if (source is { } key)
                    _inboundByPrefix[key] = _inboundByPrefix.GetValueOrDefault(key) + 1;
                _inboundOpen++;
            }
            _open.Add(peer);
            ObserveLocked();
            return null;
        }
    }

    /// <summary>Admits a handshaken peer (one per node id, the crossed-dial rule); <paramref name="replaced"/> is the connection it displaces.</summary>
    internal HandshakeRefusal? Admit(Peer peer, NodeId self, out Peer? replaced)
    {
        var id = peer.RemoteId!.Value;
        replaced = null;
        lock (_gate)
        {
            // Closed while its read loop was completing the handshake: it must not enter the table.
            if (!_open.Contains(peer))
                return new HandshakeRefusal(PeerConnectFailure.HandshakeFailed, "the connection closed during the handshake");
            if (_evicting.Contains(peer))
                return new HandshakeRefusal(PeerConnectFailure.CapReached, "evicted for a newcomer while in its handshake");
            if (_byId.TryGetValue(id, out var existing) && existing != peer)
            {
                // A peer that proved the id beats one that only claims it: an unverified newcomer never displaces the
                // verified holder, and a verified newcomer takes the place of an unverified squatter (threats.md).
                if (existing.IsVerified != peer.IsVerified)
                {
                    if (existing.IsVerified)
                        return new HandshakeRefusal(PeerConnectFailure.AlreadyConnected, $"already connected to node {id}, which proved that id");
                }
                else
                {
                    // Crossed dials settle on one link, but only while the existing one is new: a link older than the
                    // window is never replaced, so a peer claiming a connected node's id cannot take its place.
                    var age = _time.GetUtcNow() - (existing.HandshakenAt ?? existing.ConnectedAt);
                    if (!AdmissionPolicy.KeepsNewConnection(existing.Direction, peer.Direction, self.CompareTo(id))
                        || !AdmissionPolicy.WithinCrossingWindow(age, _options))
                        return new HandshakeRefusal(PeerConnectFailure.AlreadyConnected, $"already connected to node {id}");
                }
                replaced = existing;
            }
            _byId[id] = peer;
            _handshaken.Add(peer);
            if (peer.Direction == PeerDirection.Inbound)
                _inboundHandshaken++;
            else
                _outboundHandshaken++;
            Publish();
            ObserveLocked();
            return null;
        }
    }

    /// <summary>
    /// A connection is closing: it leaves the handshaken peers at once (true when it was one), so no component counts
    /// it as connected while its transport closes. It still counts against the caps until <see cref="Forget"/>.
    /// </summary>
    internal bool Depart(Peer peer)
    {
        lock (_gate)
        {
            if (peer.RemoteId is { } id && _byId.TryGetValue(id, out var current) && current == peer)
                _byId.Remove(id);
            var was = _handshaken.Remove(peer);
            if (was)
            {
                if (peer.Direction == PeerDirection.Inbound)
                    _inboundHandshaken--;
                else
                    _outboundHandshaken--;
                Publish();
            }
            ObserveLocked();
            return was;
        }
    }

    /// <summary>The connection's transport is closed (bounded in time): it stops counting against the caps.</summary>
    internal void Forget(Peer peer)
    {
        lock (_gate)
        {
            if (_open.Remove(peer))
            {
                _evicting.Remove(peer);
                if (peer.Direction == PeerDirection.Inbound)
                {
                    _inboundOpen--;
                    if (peer.Source is { } key && _inboundByPrefix.TryGetValue(key, out var n))
                    {
                        if (n <= 1) _inboundByPrefix.Remove(key);
                        else _inboundByPrefix[key] = n - 1;
                    }
                }
                var c = peer.Counters;
                _retiredFramesIn += c.FramesReceived;
                _retiredFramesOut += c.FramesSent;
                _retiredBytesIn += c.BytesReceived;
                _retiredBytesOut += c.BytesSent;
            }
            ObserveLocked();
        }
    }

    internal Peer? FindOutbound(PeerAddress address)
    {
        lock (_gate)
            return _open.FirstOrDefault(p => address.Equals(p.Address));
    }

    internal Peer? Find(NodeId id)
    {
        lock (_gate)
            return _byId.GetValueOrDefault(id);
    }

    /// <summary>Takes no more connections; returns every open one, to close.</summary>
    internal Peer[] BeginStop()
    {
        lock (_gate)
        {
            IsStopping = true;
            return [.. _open];
        }
    }

    private void ObserveLocked()
    {
        Limits.Peers.Observe(_open.Count);
        Limits.PendingHandshakes.Observe(_inboundOpen - _inboundHandshaken);
        Limits.Evictions.Observe(_evicting.Count);
    }

    /// <summary>The caps' verdict on a new connection; connections being evicted no longer count (their prefix still does).</summary>
    private Admission CheckLocked(SourcePrefix? source, bool inbound)
    {
        var verdict = AdmissionPolicy.Check(CountsLocked(source), inbound, _options);
        switch (verdict)
        {
            case Admission.PeerCap: Limits.Peers.Hit(); break;
            case Admission.PendingCap: Limits.PendingHandshakes.Hit(); break;
            case Admission.PrefixCap: Limits.PerPrefix.Hit(); break;
        }
        return verdict;
    }

    private AdmissionCounts CountsLocked(SourcePrefix? source)
    {
        var evictingPending = 0;
        foreach (var peer in _evicting)
        {
            if (!_handshaken.Contains(peer))
                evictingPending++;
        }
        var fromPrefix = source is { } key ? _inboundByPrefix.GetValueOrDefault(key) : 0;
        return new AdmissionCounts(_open.Count - _evicting.Count, _inboundOpen - _evicting.Count,
            _inboundOpen - _inboundHandshaken - evictingPending, fromPrefix, source is { IsLoopback: true });
    }

    /// <summary>
    /// Picks an inbound connection to make room for a newcomer from <paramref name="source"/> (null: the newcomer is
    /// refused), and marks it evicting. It must leave room under every cap, the per-prefix one included.
    /// </summary>
    private (Peer Peer, string Tag)? TryEvictLocked(SourcePrefix? source, Admission verdict)
    {
        if (_evicting.Count >= PeerNetLimits.MaxEvictionsInFlight)
        {
            Limits.Evictions.Hit();
            return null;
        }
        var peers = new List<Peer>(_inboundOpen);
        var candidates = new List<EvictionCandidate>(_inboundOpen);
        foreach (var peer in _open)
        {
            if (peer.Direction != PeerDirection.Inbound || _evicting.Contains(peer))
                continue;
            peers.Add(peer);
            candidates.Add(new EvictionCandidate(peer.Source, _handshaken.Contains(peer), peer.ConnectedAt));
        }
        var chosen = InboundEviction.Choose(candidates, source, pendingOnly: verdict == Admission.PendingCap);
        if (chosen < 0)
            return null;
        var victim = peers[chosen];
        _evicting.Add(victim);
        if (AdmissionPolicy.Check(CountsLocked(source), inbound: true, _options) != Admission.Admitted)
        {
            _evicting.Remove(victim); // one eviction would not be enough (say, the newcomer's prefix is at its cap too)
            return null;
        }
        return (victim, candidates[chosen].Handshaken ? "netgroup" : "pending");
    }

    private void Publish() => Volatile.Write(ref _snapshot, [.. _handshaken.OrderBy(p => p.HandshakenAt ?? p.ConnectedAt)]);

    private long Traffic(Func<PeerCounters, long> live, Func<PeerTable, long> retired)
    {
        // Retired and live totals read together: a connection moving from one to the other never makes it go back.
        lock (_gate)
        {
            var total = retired(this);
            foreach (var peer in _open)
                total += live(peer.Counters);
            return total;
        }
    }

    private IEnumerable<Measurement<long>> ConnectedByKind() =>
        Handshaken.GroupBy(p => (p.Direction, p.Transport)).Select(g => new Measurement<long>(g.Count(),
            new KeyValuePair<string, object?>("direction", g.Key.Direction == PeerDirection.Inbound ? "inbound" : "outbound"),
            new KeyValuePair<string, object?>("transport", g.Key.Transport)));
}
