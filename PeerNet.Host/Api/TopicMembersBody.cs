namespace PeerNet.Host.Api;

/// <summary>Members to add to a topic on this node, or renew.</summary>
public sealed record TopicMembersBody
{
    /// <summary>The application's own addresses (opaque text of 1 to 255 bytes, no spaces; PeerNet never dials them), at most PeerNet:TopicAddressesPerRegistration.</summary>
    /// <example>["udp://10.1.2.3:7000", "/ip4/10.1.2.3/tcp/4001"]</example>
    public IReadOnlyList<string?>? Addresses { get; init; }

    /// <summary>How long they stay without renewal, 1 to 1200 seconds (default 300). Renew before it passes.</summary>
    /// <example>300</example>
    public int? TtlSeconds { get; init; }
}
