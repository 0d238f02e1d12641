namespace PeerNet.Client;

/// <summary>A health answer: <c>/healthz</c> or <c>/readyz</c>.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
/// <param name="Description">What was checked.</param>
public sealed record HealthAnswer(string Status, string Description)
{
    /// <summary>True when <see cref="Status"/> is Healthy.</summary>
    public bool IsHealthy => Status == "Healthy";
}
