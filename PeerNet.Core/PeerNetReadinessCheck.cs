using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PeerNet;

/// <summary>Ready once the store is open and the node runs.</summary>
public sealed class PeerNetReadinessCheck(PeerNode node) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(node.IsRunning
            ? HealthCheckResult.Healthy($"node {node.Id} running, {node.KnownCount} known addresses")
            : HealthCheckResult.Unhealthy("the store is not open or the node is not running"));
}
