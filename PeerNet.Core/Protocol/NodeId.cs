using System.Buffers.Binary;

namespace PeerNet.Protocol;

/// <summary>A node's 16-byte id from the _hello handshake: SHA-256 of its Ed25519 public key, first 16 bytes (an original node's: 16 random bytes, an unproven claim).</summary>
public readonly record struct NodeId(ulong High, ulong Low) : IComparable<NodeId>
{
    /// <summary>Reads an id from its first 16 bytes.</summary>
    public static NodeId Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));

    /// <summary>Parses 32 hex characters.</summary>
    public static bool TryParse(string? hex, out NodeId id)
    {
        id = default;
        if (hex is not { Length: 32 })
            return false;
        Span<byte> bytes = stackalloc byte[ProtocolLimits.NodeIdLength];
        try
        {
            if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 16)
                return false;
        }
        catch (FormatException)
        {
            return false;
        }
        id = Read(bytes);
        return true;
    }

    /// <summary>Writes the 16 bytes of the id.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    /// <summary>The id as bytes.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[ProtocolLimits.NodeIdLength];
        Write(bytes);
        return bytes;
    }

    /// <inheritdoc />
    public int CompareTo(NodeId other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);

    /// <summary>32 lowercase hex characters.</summary>
    public override string ToString() => $"{High:x16}{Low:x16}";
}
