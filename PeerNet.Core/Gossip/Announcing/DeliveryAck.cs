using System.Buffers.Binary;
using PeerNet.Protocol;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// One node's acknowledgement of a reported announce (the data of a <c>_pn.ack</c> response): version 1, its node id,
/// the hops the request arrived with, the peer it came from, and how many of its forwards of it were dropped.
/// </summary>
internal readonly record struct DeliveryAck(NodeId Node, uint Hops, NodeId From, int DroppedForwards)
{
    public const byte FormatVersion = 1;
    private const int Length = 1 + ProtocolLimits.NodeIdLength + 4 + ProtocolLimits.NodeIdLength + 2;

    public byte[] Encode()
    {
        var bytes = new byte[Length];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        Node.Write(span.Slice(1, ProtocolLimits.NodeIdLength));
        BinaryPrimitives.WriteUInt32BigEndian(span[17..], Hops);
        From.Write(span.Slice(21, ProtocolLimits.NodeIdLength));
        BinaryPrimitives.WriteUInt16BigEndian(span[37..], (ushort)Math.Clamp(DroppedForwards, 0, ushort.MaxValue));
        return bytes;
    }

    public static DeliveryAck? TryDecode(ReadOnlySpan<byte> data) =>
        data.Length != Length || data[0] != FormatVersion
            ? null
            : new DeliveryAck(NodeId.Read(data.Slice(1, ProtocolLimits.NodeIdLength)), BinaryPrimitives.ReadUInt32BigEndian(data[17..]),
                NodeId.Read(data.Slice(21, ProtocolLimits.NodeIdLength)), BinaryPrimitives.ReadUInt16BigEndian(data[37..]));
}
