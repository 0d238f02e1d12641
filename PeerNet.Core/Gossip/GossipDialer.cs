using Microsoft.Extensions.Logging;
using PeerNet.Addressing;
using PeerNet.Peers;
using PeerNet.Storage;

namespace PeerNet.Gossip;

/// <summary>
/// Dials one address on the engine's behalf (bootstrap, anchors, feelers): checks an address from gossip against the
/// dial-time scope, keeps the back-off of failed and redundant dials, and saves a DNS seed's address that answers.
/// A failure is logged and counted, never thrown: the caller only learns whether a peer came of it.
/// </summary>
public sealed partial class GossipDialer
{
    /// <summary>First wait after a failed dial; it doubles with each further failure.</summary>
    public static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait after repeated failures.</summary>
    public static readonly TimeSpan MaxFailureBackoff = TimeSpan.FromMinutes(5);

    /// <summary>How long an address that led to a node already connected (by its other end) is left alone.</summary>
    public static readonly TimeSpan AlreadyConnectedBackoff = TimeSpan.FromSeconds(10);

    /// <summary>How long an address that turned out to be this node itself is left alone.</summary>
    public static readonly TimeSpan SelfBackoff = TimeSpan.FromHours(1);

    /// <summary>How long a learned address found out of scope at dial time is left alone (its name may answer otherwise later).</summary>
    public static readonly TimeSpan OutOfScopeBackoff = TimeSpan.FromMinutes(10);

    private readonly PeerNetwork _network;
    private readonly PeerStore _store;
    private readonly DialScope _scope;
    private readonly HashSet<string> _configured;
    private readonly PeerNetMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the dialler of a node.</summary>
    public GossipDialer(PeerNetwork network, PeerStore store, DialScope scope, NodeIdentity identity, TimeProvider time, PeerNetMetrics metrics,
        ILogger<GossipDialer> logger)
    {
        ArgumentNullException.ThrowIfNull(identity);
        // The seeds written as addresses are the operator's choice, not gossip's: they skip the dial-time scope check.
        _configured = new HashSet<string>(identity.Seeds.Select(s => s.Value), StringComparer.Ordinal);
        _network = network;
        _store = store;
        _scope = scope;
        _metrics = metrics;
        _logger = logger;
        Backoff = new DialBackoff(time, FailureBackoff, MaxFailureBackoff);
    }

    /// <summary>Addresses in back-off.</summary>
    public DialBackoff Backoff { get; }

    /// <summary>
    /// Dials <paramref name="address"/> for <paramref name="purpose"/>. <paramref name="checkScope"/>: the address came
    /// from gossip (the address table's new and tried parts), so it is checked again now, names resolved; explicit saves
    /// are the operator's and seeds' resolved IPs passed the scope already. <paramref name="fromSeed"/>: a DNS seed
    /// resolved to it, so it is kept like a learned address once it answers. Returns the peer, or null.
    /// </summary>
    public async Task<Peer?> DialAsync(PeerAddress address, DialPurpose purpose, bool checkScope, bool fromSeed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        // A refusal by scope is not a failure of the address.
        if (checkScope && !_configured.Contains(address.Value)
            && await _scope.RefusalAsync(address, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            _metrics.DialRefused(refused.Tag);
            Backoff.Defer(address.Value, OutOfScopeBackoff);
            Log.OutOfScope(_logger, address.Value, refused.Reason);
            return null;
        }
        try
        {
            var peer = await _network.ConnectAsync(address, cancellationToken, purpose).ConfigureAwait(false);
            _metrics.Dial(ok: true, purpose);
            Backoff.RecordSuccess(address.Value);
            // A seed's address that answers is kept like a learned one (unless removed within RemovedTtl): node exchange
            // and GET /api/nodes/sample can offer it, and purge forgets it once it stops answering.
            if (fromSeed)
                _store.TrySaveLearned([address], source: null);
            Log.Dialled(_logger, address.Value, peer.RemoteId?.ToString() ?? "?", purpose);
            return peer;
        }
        catch (PeerConnectException ex)
        {
            _metrics.Dial(ok: false, purpose);
            switch (ex.Failure)
            {
                case PeerConnectFailure.AlreadyConnected:
                    Backoff.Defer(address.Value, AlreadyConnectedBackoff);
                    break;
                case PeerConnectFailure.Self:
                    Backoff.Defer(address.Value, SelfBackoff);
                    break;
                case PeerConnectFailure.CapReached:
                    break; // says nothing about the address
                default:
                    var wait = Backoff.RecordFailure(address.Value);
                    Log.DialFailed(_logger, address.Value, ex.Reason, wait.TotalSeconds);
                    return null;
            }
            Log.DialRefused(_logger, address.Value, ex.Reason);
            return null;
        }
    }

    private static partial class Log
    {
        // Event ids 403-406 of bootstrap's 400-419.
        [LoggerMessage(403, LogLevel.Debug, "Bootstrap: connected to {Address} (node {PeerId}, {Purpose})")]
        public static partial void Dialled(ILogger logger, string address, string peerId, DialPurpose purpose);

        [LoggerMessage(404, LogLevel.Debug, "Bootstrap: dial to {Address} failed: {Reason}; backing off {Seconds} s")]
        public static partial void DialFailed(ILogger logger, string address, string reason, double seconds);

        [LoggerMessage(405, LogLevel.Debug, "Bootstrap: dial to {Address} refused: {Reason}")]
        public static partial void DialRefused(ILogger logger, string address, string reason);

        [LoggerMessage(406, LogLevel.Debug, "Bootstrap: not dialling {Address}: {Reason}")]
        public static partial void OutOfScope(ILogger logger, string address, string reason);
    }
}
