using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Peers;

namespace PeerNet.Gossip.Healing;

/// <summary>
/// Every <see cref="PeerNetOptions.RotateInterval"/> a node whose outbound connections are all up closes one link
/// bootstrap opened, chosen at random, and leaves its address alone for one interval, so bootstrap dials a fresh
/// sample: a node that once filled its connections from one half of a split network reaches addresses it learned
/// since (feelers, node exchange). Links opened explicitly (library or REST connect) and feelers are never closed.
/// </summary>
public sealed partial class OutboundRotation
{
    private readonly PeerNetwork _network;
    private readonly GossipDialer _dialer;
    private readonly RandomSource _random;
    private readonly PeerNetOptions _options;
    private readonly PeerNetMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the rotation of a node.</summary>
    public OutboundRotation(PeerNetwork network, GossipDialer dialer, RandomSource random, IOptions<PeerNetOptions> options, PeerNetMetrics metrics,
        ILogger<OutboundRotation> logger)
    {
        _network = network;
        _dialer = dialer;
        _random = random;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>
    /// Closes one rotatable link when outbound is full and another peer stays connected; returns the peer closed, or
    /// null. The caller's bootstrap loop sees the drop and dials a replacement.
    /// </summary>
    public Peer? RotateOnce()
    {
        // Still filling: bootstrap has dials to make anyway, and closing one would only slow it.
        if (_network.OutboundCount < _options.Connections || _network.Count < 2)
            return null;
        var rotatable = _network.Peers.Where(IsRotatable).ToList();
        if (rotatable.Count == 0)
            return null;
        var victim = rotatable[_random.Next(rotatable.Count)];
        // Left alone for one interval: the replacement comes from the rest of the sample.
        _dialer.Backoff.Defer(victim.Address!.Value, TimeSpan.FromMilliseconds(_options.RotateInterval));
        _metrics.Rotated();
        Log.Rotating(_logger, victim.ToString());
        _ = victim.CloseAsync("rotated: outbound was full, so one link bootstrap opened makes room for a fresh sample");
        return victim;
    }

    private static bool IsRotatable(Peer peer) =>
        peer.Direction == PeerDirection.Outbound && peer.Purpose == DialPurpose.Bootstrap && peer.Address is not null && !peer.IsClosed;

    private static partial class Log
    {
        // Event ids 466-469 of the engine's 460-479.
        [LoggerMessage(466, LogLevel.Debug, "Rotation: closing {Peer} so bootstrap dials a fresh sample")]
        public static partial void Rotating(ILogger logger, string peer);
    }
}
