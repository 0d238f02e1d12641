namespace PeerNet.Host.Api;

/// <summary>This node.</summary>
public sealed record NodeInfo
{
    /// <summary>The node id of the _hello handshake, 32 lowercase hex characters; the hash of the node's key, the same after every restart.</summary>
    /// <example>3f2a9c0d5b7e41c8a6f0e2d4b8c1a7e9</example>
    public required string Id { get; init; }

    /// <summary>PeerNet's version.</summary>
    /// <example>0.1.0</example>
    public required string Version { get; init; }

    /// <summary>The addresses this node advertises (PeerNet:Advertise).</summary>
    /// <example>["ws://seed.example.org:8080/peer"]</example>
    public required IReadOnlyList<string> Addresses { get; init; }

    /// <summary>Handshaken peer connections.</summary>
    /// <example>5</example>
    public required int Connections { get; init; }

    /// <summary>Known addresses in the store.</summary>
    /// <example>1200</example>
    public required long Known { get; init; }
}
