namespace PeerNet.Client;

/// <summary>One instrument of the node's PeerNet meter.</summary>
/// <param name="Name">The instrument's name.</param>
/// <param name="Kind">counter, gauge or histogram.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Description">What it counts.</param>
/// <param name="Value">The total or last value, summed over tags.</param>
/// <param name="Rate">Per second over the last minute; null for gauges.</param>
public sealed record MeterItem(string Name, string Kind, string? Unit, string? Description, double Value, double? Rate);
