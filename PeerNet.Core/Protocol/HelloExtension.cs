namespace PeerNet.Protocol;

/// <summary>
/// What a PeerNet node appends to its 16-byte node id in the data of its _hello request, so PeerNet peers can
/// tell each other from original nodes (which send exactly 16 bytes and ignore anything longer).
/// <code>
/// offset 0   16 bytes  node id
/// offset 16  2 bytes   "PN" (0x50 0x4E): a PeerNet node
/// offset 18  1 byte    extension version (2; 1 from older PeerNet nodes)
/// offset 19  1 byte    feature flags (bit 0: control frames of the dissemination rule; bit 1: identity)
/// offset 20  64 bytes  with bit 1: public key and challenge (request), signature (response): Identity.HelloProof
/// </code>
/// Readers ignore bytes past the ones they know, so later versions can append more (version 1 readers skip the identity part).
/// </summary>
public readonly record struct HelloExtension(byte Version, HelloFeatures Features)
{
    /// <summary>The version this node writes.</summary>
    public const byte CurrentVersion = 2;

    /// <summary>Bytes of the extension's fixed part after the node id (the identity part follows them).</summary>
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
