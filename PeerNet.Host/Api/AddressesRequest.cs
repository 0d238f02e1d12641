namespace PeerNet.Host.Api;

/// <summary>A batch of addresses to save or remove.</summary>
public sealed record AddressesRequest
{
    /// <summary>Addresses: ws://, wss:// or tcp:// URLs with a host (tcp needs a port), at most 255 characters each.</summary>
    /// <example>["ws://10.1.2.3:4000/peer", "wss://seed.example.org/peer"]</example>
    public IReadOnlyList<string?>? Addresses { get; init; }
}
