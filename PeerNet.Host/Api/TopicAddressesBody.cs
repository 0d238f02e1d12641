namespace PeerNet.Host.Api;

/// <summary>Members to remove from a topic on this node.</summary>
public sealed record TopicAddressesBody
{
    /// <summary>The addresses to remove.</summary>
    /// <example>["udp://10.1.2.3:7000"]</example>
    public IReadOnlyList<string?>? Addresses { get; init; }
}
