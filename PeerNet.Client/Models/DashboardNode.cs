namespace PeerNet.Client;

/// <summary>The node, as the dashboard shows it.</summary>
/// <param name="Id">The node id.</param>
/// <param name="Version">PeerNet's version.</param>
/// <param name="Addresses">The addresses it advertises.</param>
/// <param name="StartedAt">When the node started.</param>
/// <param name="UptimeSeconds">Seconds since then.</param>
public sealed record DashboardNode(string Id, string Version, IReadOnlyList<string> Addresses, DateTimeOffset? StartedAt, double UptimeSeconds);
