using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Peers;
using PeerNet.Storage;

namespace PeerNet.Gossip.Healing;

/// <summary>
/// Feelers, as Bitcoin Core's: every <see cref="PeerNetOptions.FeelerInterval"/>, even with every connection up, one
/// stored address that is not connected is dialled, held for <see cref="Hold"/> (both sides ask for addresses as a
/// link comes up, so each learns the other's table) and closed. A success moves a learned address to the tried table,
/// where bootstrap's samples find it; so two halves of a network that share any stored address learn of each other,
/// and outbound rotation then links them. A feeler never counts as one of the node's connections for long.
/// </summary>
public sealed partial class FeelerDialer
{
    /// <summary>How long a feeler's link stays open: enough for one node exchange each way on a live link.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(2);

    /// <summary>Share of a feeler's sample from explicit and tried addresses; the rest from the new table, which feelers test.</summary>
    public const double TrustedShare = 0.5;

    private const int SampleSize = 16;

    private readonly PeerNetwork _network;
    private readonly PeerStore _store;
    private readonly Bootstrapper _bootstrapper;
    private readonly GossipDialer _dialer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the feeler of a node.</summary>
    public FeelerDialer(PeerNetwork network, PeerStore store, Bootstrapper bootstrapper, GossipDialer dialer, TimeProvider time,
        ILogger<FeelerDialer> logger)
    {
        _network = network;
        _store = store;
        _bootstrapper = bootstrapper;
        _dialer = dialer;
        _time = time;
        _logger = logger;
    }

    /// <summary>One feeler: dials one stored address that is not connected (nor backing off), holds it, closes it. Returns the peer, or null.</summary>
    public async Task<Peer?> RunOnceAsync(CancellationToken cancellationToken)
    {
        var open = _network.OpenAddresses();
        var wanted = SampleSize + open.Count;
        var parts = await _store.SamplePartsAsync(wanted, cancellationToken).ConfigureAwait(false);
        var picked = _bootstrapper.SelectCandidates(parts.Take(wanted, TrustedShare), open, 1);
        if (picked.Count == 0)
        {
            Log.NothingToFeel(_logger);
            return null;
        }
        var address = picked[0];
        var peer = await _dialer.DialAsync(address, DialPurpose.Feeler, checkScope: !parts.Saved.Contains(address.Value), fromSeed: false,
            cancellationToken).ConfigureAwait(false);
        if (peer is null)
            return null;
        using (var held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, peer.Closing))
        {
            try
            {
                await Task.Delay(Hold, _time, held.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // the peer closed first: nothing left to hold
            }
        }
        Log.Felt(_logger, address.Value, peer.RemoteId?.ToString() ?? "?");
        await peer.CloseAsync("feeler: address tested and addresses exchanged").ConfigureAwait(false);
        return peer;
    }

    private static partial class Log
    {
        // Event ids 462-465 of the engine's 460-479.
        [LoggerMessage(462, LogLevel.Debug, "Feeler: no stored address to test (all connected, backing off or none stored)")]
        public static partial void NothingToFeel(ILogger logger);

        [LoggerMessage(463, LogLevel.Debug, "Feeler: {Address} answered (node {PeerId}); closing it after the exchange")]
        public static partial void Felt(ILogger logger, string address, string peerId);
    }
}
