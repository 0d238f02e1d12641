using System.Diagnostics.Metrics;
using System.Net;
using PeerNet.Addressing;
using PeerNet.Protocol;

namespace PeerNet.Peers;

/// <summary>
/// The one table of the node's connections: every open one, the handshaken ones by node id (one per node), inbound
/// counts per IP for the caps, and addresses being dialled. Thread-safe (a lock: connections come and go rarely);
/// the handshaken peers are also kept as an immutable snapshot, so readers never take the lock.
/// </summary>
public sealed class PeerTable
{
    private readonly Lock _gate = new();
    private readonly HashSet<Peer> _open = [];
    private readonly Dictionary<NodeId, Peer> _byId = [];
    private readonly HashSet<Peer> _handshaken = [];
    private readonly Dictionary<IPAddress, int> _inboundByAddress = [];
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
            var verdict = CheckLocked(remote: null, inbound: false);
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

    /// <summary>Registers a new connection: inbound ones are checked against the caps here (outbound ones were at their dial).</summary>
    internal (string Tag, string Reason)? TryOpen(Peer peer, PeerDirection direction)
    {
        var remote = (peer.RemoteEndPoint as IPEndPoint)?.Address;
        lock (_gate)
        {
            if (IsStopping)
                return ("stopping", "the node is shutting down");
            if (direction == PeerDirection.Inbound)
            {
                var verdict = CheckLocked(remote, inbound: true);
                if (verdict != Admission.Admitted)
                    return (AdmissionPolicy.Tag(verdict), AdmissionPolicy.Describe(verdict, remote, _options));
                if (AdmissionPolicy.CountsPerAddress(remote))
                    _inboundByAddress[remote!] = _inboundByAddress.GetValueOrDefault(remote!) + 1;
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
            if (_byId.TryGetValue(id, out var existing) && existing != peer)
            {
                // Crossed dials settle on one link, but only while the existing one is new: a link older than the
                // window is never replaced, so a peer claiming a connected node's id cannot take its place.
                var age = _time.GetUtcNow() - (existing.HandshakenAt ?? existing.ConnectedAt);
                if (!AdmissionPolicy.KeepsNewConnection(existing.Direction, peer.Direction, self.CompareTo(id))
                    || !AdmissionPolicy.WithinCrossingWindow(age, _options))
                    return new HandshakeRefusal(PeerConnectFailure.AlreadyConnected, $"already connected to node {id}");
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
                if (peer.Direction == PeerDirection.Inbound)
                    _inboundOpen--;
                var c = peer.Counters;
                _retiredFramesIn += c.FramesReceived;
                _retiredFramesOut += c.FramesSent;
                _retiredBytesIn += c.BytesReceived;
                _retiredBytesOut += c.BytesSent;
            }
            var remote = (peer.RemoteEndPoint as IPEndPoint)?.Address;
            if (peer.Direction == PeerDirection.Inbound && AdmissionPolicy.CountsPerAddress(remote) && _inboundByAddress.TryGetValue(remote!, out var n))
            {
                if (n <= 1) _inboundByAddress.Remove(remote!);
                else _inboundByAddress[remote!] = n - 1;
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
    }

    private Admission CheckLocked(IPAddress? remote, bool inbound)
    {
        var fromAddress = AdmissionPolicy.CountsPerAddress(remote) ? _inboundByAddress.GetValueOrDefault(remote!) : 0;
        var counts = new AdmissionCounts(_open.Count, _inboundOpen, _inboundOpen - _inboundHandshaken, fromAddress);
        var verdict = AdmissionPolicy.Check(counts, inbound, _options);
        switch (verdict)
        {
            case Admission.PeerCap: Limits.Peers.Hit(); break;
            case Admission.PendingCap: Limits.PendingHandshakes.Hit(); break;
            case Admission.AddressCap: Limits.PerAddress.Hit(); break;
        }
        return verdict;
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
