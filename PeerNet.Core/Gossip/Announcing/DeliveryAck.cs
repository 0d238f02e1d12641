using System.Buffers.Binary;
using PeerNet.Protocol;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// One node's acknowledgement of a reported announce: its node id, the hops the request arrived with, the peer it came
/// from, and how many of its forwards of it were dropped. Acknowledgements travel in batches (<see cref="Encode"/>).
/// </summary>
internal readonly record struct DeliveryAck(NodeId Node, uint Hops, NodeId From, int DroppedForwards)
{
    public const byte FormatVersion = 1;
    private const int EntryLength = ProtocolLimits.NodeIdLength + 4 + ProtocolLimits.NodeIdLength + 2;

    /// <summary>Acknowledgements one <c>_pn.ack</c> response carries at most (within the 1024-byte data limit).</summary>
    public const int MaxPerResponse = (ProtocolLimits.MaxDataLength - 2) / EntryLength;

    /// <summary>The data of a <c>_pn.ack</c> response: version 1, a count, then each acknowledgement (38 bytes).</summary>
    public static byte[] Encode(IReadOnlyList<DeliveryAck> acks)
    {
        var count = Math.Min(acks.Count, MaxPerResponse);
        var bytes = new byte[2 + count * EntryLength];
        bytes[0] = FormatVersion;
        bytes[1] = (byte)count;
        for (var i = 0; i < count; i++)
        {
            var span = bytes.AsSpan(2 + i * EntryLength, EntryLength);
            var ack = acks[i];
            ack.Node.Write(span[..ProtocolLimits.NodeIdLength]);
            BinaryPrimitives.WriteUInt32BigEndian(span[16..], ack.Hops);
            ack.From.Write(span.Slice(20, ProtocolLimits.NodeIdLength));
            BinaryPrimitives.WriteUInt16BigEndian(span[36..], (ushort)Math.Clamp(ack.DroppedForwards, 0, ushort.MaxValue));
        }
        return bytes;
    }

    /// <summary>The acknowledgements in <paramref name="data"/>, or null when it is not a batch this node can read.</summary>
    public static DeliveryAck[]? TryDecode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] != FormatVersion || data[1] > MaxPerResponse || data.Length != 2 + data[1] * EntryLength)
            return null;
        var acks = new DeliveryAck[data[1]];
        for (var i = 0; i < acks.Length; i++)
        {
            var span = data.Slice(2 + i * EntryLength, EntryLength);
            acks[i] = new DeliveryAck(NodeId.Read(span[..16]), BinaryPrimitives.ReadUInt32BigEndian(span[16..]),
                NodeId.Read(span.Slice(20, 16)), BinaryPrimitives.ReadUInt16BigEndian(span[36..]));
        }
        return acks;
    }
}
