namespace PeerNet.Protocol;

/// <summary>The wire protocol's limits (wire-protocol.md, "Limits"). Field limits discard one message; a frame over the maximum closes the connection.</summary>
public static class ProtocolLimits
{
    /// <summary>Most bytes in an id or reply.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Most bytes in a type.</summary>
    public const int MaxTypeLength = 64;

    /// <summary>Most bytes in data.</summary>
    public const int MaxDataLength = 1024;

    /// <summary>Default largest frame accepted: generous, well above the ~2 KiB the field limits allow.</summary>
    public const int DefaultMaxFrameLength = 64 * 1024;

    /// <summary>A varint length prefix of a frame takes at most this many bytes (a 32-bit value).</summary>
    public const int MaxPrefixLength = 5;

    /// <summary>Length of a node id: the first bytes of a _hello request's data.</summary>
    public const int NodeIdLength = 16;

    /// <summary>Most addresses one answer to an _addrs request carries, whatever size it asks for.</summary>
    public const int MaxAddressesPerAnswer = 100;

    /// <summary>Most frames a peer's writer drains into one flush (one WebSocket message).</summary>
    public const int MaxFramesPerFlush = 64;

    /// <summary>The hop limit original peernet nodes apply to every request.</summary>
    public const int OriginalMaxHops = 15;
}
