namespace PeerNet.Host.Api;

/// <summary>This node.</summary>
public sealed record NodeInfo
{
    /// <summary>The node id of the _hello handshake, 32 lowercase hex characters; new at every start.</summary>
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

/// <summary>A batch of addresses to save or remove.</summary>
public sealed record AddressesRequest
{
    /// <summary>Addresses: ws://, wss:// or tcp:// URLs with a host (tcp needs a port), at most 255 characters each.</summary>
    /// <example>["ws://10.1.2.3:4000/peer", "wss://seed.example.org/peer"]</example>
    public IReadOnlyList<string?>? Addresses { get; init; }
}

/// <summary>Result of a save.</summary>
/// <param name="Saved">Addresses that were not known before (all of the batch's are known now).</param>
public sealed record SavedResponse(int Saved);

/// <summary>Result of a remove.</summary>
/// <param name="Removed">Addresses of the batch that were known and are now removed (all are tombstoned).</param>
public sealed record RemovedResponse(int Removed);

/// <summary>One known address.</summary>
/// <param name="Address">The normalized address.</param>
public sealed record NodeItem(string Address);

/// <summary>One page of known addresses.</summary>
/// <param name="Items">The addresses of this page.</param>
/// <param name="Next">Cursor for the next page (pass as <c>after</c>), null after the last page.</param>
public sealed record NodesPage(IReadOnlyList<NodeItem> Items, string? Next);
