using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PeerNet.Addressing;
using PeerNet.Storage;

namespace PeerNet;

/// <summary>
/// Opens the store and saves the configured seeds at start; flushes pending writes at shutdown.
/// Registered before the gossip engine, so it starts first and stops last.
/// </summary>
internal sealed partial class PeerNetService(
    PeerNode node,
    NodeIdentity identity,
    PeerStore store,
    Peers.PeerNetwork network,
    ILogger<PeerNetService> logger,
    TimeProvider time,
    IHostApplicationLifetime? lifetime = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.StartAsync(cancellationToken).ConfigureAwait(false);
        var seeds = identity.SavedSeeds;
        if (seeds.Count > 0)
        {
            // Explicit saves: a seed comes back at every start even if it was removed.
            var added = await store.SaveAsync(seeds, cancellationToken).ConfigureAwait(false);
            Log.SeedsSaved(logger, seeds.Count, added);
        }
        // DNS seeds are not saved: bootstrap resolves them at every round (what answers is saved then).
        if (identity.ResolvedSeeds.Count > 0)
            Log.SeedsResolved(logger, identity.ResolvedSeeds.Count, string.Join(", ", identity.ResolvedSeeds));
        // Close peers as soon as shutdown begins: a web server drains its open requests (inbound WebSocket peers
        // among them) before it stops the hosted services, and a live peer never ends its request by itself.
        lifetime?.ApplicationStopping.Register(static n => _ = ((Peers.PeerNetwork)n!).StopAsync(), network);
        node.MarkRunning(true, time.GetUtcNow());
        Log.NodeStarted(logger, node.Id, PeerNode.Version, node.AdvertisedAddresses.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        node.MarkRunning(false);
        try
        {
            await network.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Whatever the peers do, queued writes are committed.
            await store.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        // Event ids 1-99 belong to the node. Next free: 4.
        [LoggerMessage(1, LogLevel.Information, "PeerNet node {NodeId} (version {Version}) started, advertising {Advertised} addresses")]
        public static partial void NodeStarted(ILogger logger, string nodeId, string version, int advertised);

        [LoggerMessage(2, LogLevel.Information, "Saved {Seeds} configured seeds ({Added} new)")]
        public static partial void SeedsSaved(ILogger logger, int seeds, int added);

        [LoggerMessage(3, LogLevel.Information, "{Seeds} configured seeds are DNS names, resolved at every bootstrap round: {Names}")]
        public static partial void SeedsResolved(ILogger logger, int seeds, string names);
    }
}
