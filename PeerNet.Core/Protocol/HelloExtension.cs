namespace PeerNet.Protocol;

/// <summary>
/// What a PeerNet node appends to its 16-byte node id in the data of its _hello request, so PeerNet peers can
/// tell each other from original nodes (which send exactly 16 bytes and ignore anything longer).
/// <code>
/// offset 0   16 bytes  node id
/// offset 16  2 bytes   "PN" (0x50 0x4E): a PeerNet node
/// offset 18  1 byte    extension version (1)
/// offset 19  1 byte    feature flags (bit 0: control frames of the dissemination rule)
/// </code>
/// Readers ignore bytes past the ones they know, so later versions can append more.
/// </summary>
public readonly record struct HelloExtension(byte Version, HelloFeatures Features)
{
    /// <summary>The version this node writes.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>Bytes this node appends after the node id.</summary>
    public const int Length = 4;

    private const byte Magic0 = (byte)'P', Magic1 = (byte)'N';

    /// <summary>Writes the extension (after the node id) into <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        destination[0] = Magic0;
        destination[1] = Magic1;
        destination[2] = Version;
        destination[3] = (byte)Features;
    }

    /// <summary>Reads the extension from a _hello request's data; false for an original node (16 bytes only).</summary>
    public static bool TryRead(ReadOnlySpan<byte> helloData, out HelloExtension extension)
    {
        extension = default;
        var rest = helloData.Length > ProtocolLimits.NodeIdLength ? helloData[ProtocolLimits.NodeIdLength..] : default;
        if (rest.Length < 3 || rest[0] != Magic0 || rest[1] != Magic1 || rest[2] == 0)
            return false;
        extension = new HelloExtension(rest[2], rest.Length > 3 ? (HelloFeatures)rest[3] : HelloFeatures.None);
        return true;
    }
}
