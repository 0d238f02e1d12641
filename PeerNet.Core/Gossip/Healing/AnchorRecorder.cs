using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Peers;
using PeerNet.Storage;

namespace PeerNet.Gossip.Healing;

/// <summary>
/// Keeps the anchors (Bitcoin Core's anchors.dat): the addresses of the node's longest-held outbound links, at most
/// <see cref="PeerNetOptions.Anchors"/>, saved whenever they change, so a restart (or a SIGKILL) finds them and
/// bootstrap dials them first. Feelers are not anchors; the closes of a shutdown change nothing.
/// </summary>
public sealed class AnchorRecorder
{
    private readonly PeerNetwork _network;
    private readonly PeerStore _store;
    private readonly PeerNetOptions _options;
    private readonly Lock _gate = new();
    private IReadOnlyList<PeerAddress> _last = [];
    private bool _started;

    /// <summary>Creates the anchor recorder of a node.</summary>
    public AnchorRecorder(PeerNetwork network, PeerStore store, IOptions<PeerNetOptions> options)
    {
        _network = network;
        _store = store;
        _options = options.Value;
    }

    /// <summary>Starts following the links (only with bootstrap on and anchors kept).</summary>
    public void Start()
    {
        if (!_options.Bootstrap || _options.Anchors <= 0 || _started)
            return;
        _started = true;
        _network.PeerConnected += OnConnected;
        _network.PeerDisconnected += OnDisconnected;
    }

    /// <summary>Stops following them; the anchors saved last stay.</summary>
    public void Stop()
    {
        if (!_started)
            return;
        _started = false;
        _network.PeerConnected -= OnConnected;
        _network.PeerDisconnected -= OnDisconnected;
    }

    private void OnConnected(Peer peer)
    {
        if (peer.Direction == PeerDirection.Outbound)
            Record();
    }

    private void OnDisconnected(Peer peer, string reason)
    {
        if (peer.Direction == PeerDirection.Outbound)
            Record();
    }

    /// <summary>Saves the current anchors when they differ from those saved last.</summary>
    internal void Record()
    {
        // Shutdown closes every link: the anchors are the links before it, not the empty set after.
        if (_network.IsStopping)
            return;
        lock (_gate)
        {
            // Read under the gate: two changes recorded at once must not save the older view last.
            var anchors = _network.Peers
                .Where(p => p.Direction == PeerDirection.Outbound && p.Purpose != DialPurpose.Feeler && p.Address is not null && !p.IsClosed)
                .OrderBy(p => p.HandshakenAt ?? p.ConnectedAt)
                .Take(_options.Anchors)
                .Select(p => p.Address!)
                .ToList();
            if (anchors.Select(a => a.Value).SequenceEqual(_last.Select(a => a.Value), StringComparer.Ordinal))
                return;
            _last = anchors;
            _store.TrySaveAnchors(anchors);
        }
    }
}
