using Microsoft.Extensions.Diagnostics.HealthChecks;
using PeerNet.Gossip;

namespace PeerNet;

/// <summary>Ready once the store is open, the node runs and its gossip engine's loops are running.</summary>
public sealed class PeerNetReadinessCheck(PeerNode node, GossipEngine engine) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !node.IsRunning ? HealthCheckResult.Unhealthy("the store is not open or the node is not running")
            : !engine.IsRunning ? HealthCheckResult.Unhealthy("the gossip engine is not running")
            : HealthCheckResult.Healthy($"node {node.Id} running, {node.KnownCount} known addresses, {node.ConnectionCount} peers"));
}
