using System.Buffers.Binary;
using System.Text;
using PeerNet.Protocol;

namespace PeerNet.Topics;

/// <summary>
/// The data of <c>_pn.topic</c> messages. A lookup (a request) and its answers (responses) share the type, so the
/// original forwards the lookup as an announce and relays the answers as replies.
/// <code>
/// lookup:  [0] version 1  [1..33) topic hash  [33] members wanted (1-255)
/// answer:  [0] version 1  [1..33) topic hash  [33..49) answering node id  [49] member count
///          then per member: u16 big-endian age in seconds (capped), u8 address length, the address (UTF-8)
/// </code>
/// An answer fits the 1024-byte data limit; a node with more members than fit sends several.
/// </summary>
internal static class TopicWire
{
    /// <summary>The format version this node writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>Bytes of a lookup's data.</summary>
    public const int LookupLength = 1 + TopicName.HashLength + 1;

    /// <summary>Bytes of an answer before its members.</summary>
    public const int AnswerHeaderLength = 1 + TopicName.HashLength + ProtocolLimits.NodeIdLength + 1;

    private const int NodeAt = 1 + TopicName.HashLength;

    /// <summary>A lookup's data.</summary>
    public static byte[] EncodeLookup(ReadOnlySpan<byte> hash, int want)
    {
        var data = new byte[LookupLength];
        data[0] = Version;
        hash.CopyTo(data.AsSpan(1, TopicName.HashLength));
        data[^1] = (byte)Math.Clamp(want, 1, 255);
        return data;
    }

    /// <summary>Reads a lookup; false when it is not one this node can read.</summary>
    public static bool TryDecodeLookup(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> hash, out int want)
    {
        hash = default;
        want = 0;
        if (data.Length != LookupLength || data[0] != Version || data[^1] == 0)
            return false;
        hash = data.Slice(1, TopicName.HashLength);
        want = data[^1];
        return true;
    }

    /// <summary>The answers carrying <paramref name="members"/>: as few frames as fit the data limit.</summary>
    public static List<byte[]> EncodeAnswers(ReadOnlySpan<byte> hash, NodeId node, IReadOnlyList<(string Address, TimeSpan Age)> members)
    {
        var frames = new List<byte[]>();
        var buffer = new byte[ProtocolLimits.MaxDataLength];
        var at = AnswerHeaderLength;
        var count = 0;
        foreach (var (address, age) in members)
        {
            var bytes = Encoding.UTF8.GetBytes(address);
            if (bytes.Length > TopicName.MaxAddressBytes)
                continue;
            if (at + 3 + bytes.Length > buffer.Length || count == 255)
            {
                frames.Add(Finish(buffer, hash, node, at, count));
                at = AnswerHeaderLength;
                count = 0;
            }
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(at), (ushort)Math.Clamp(age.TotalSeconds, 0, ushort.MaxValue));
            buffer[at + 2] = (byte)bytes.Length;
            bytes.CopyTo(buffer, at + 3);
            at += 3 + bytes.Length;
            count++;
        }
        if (count > 0)
            frames.Add(Finish(buffer, hash, node, at, count));
        return frames;
    }

    /// <summary>The answering node an answer claims, without decoding the rest; false when it is too short to say.</summary>
    public static bool TryReadNode(ReadOnlySpan<byte> data, out NodeId node)
    {
        node = default;
        if (data.Length < AnswerHeaderLength || data[0] != Version)
            return false;
        node = NodeId.Read(data.Slice(NodeAt, ProtocolLimits.NodeIdLength));
        return true;
    }

    /// <summary>
    /// False for an answer that arrives with hops 0 (so from the answering node itself) but names another node than
    /// <paramref name="from"/>: a peer minting responder ids to pass the per-responder bound. Relayed answers (hops 1 or
    /// more) cannot be checked here; the PeerNet relay that took them at hops 0 checked them.
    /// </summary>
    internal static bool ClaimsSender(Protocol.Wire.Announce response, Peers.Peer from) =>
        response.Hops > 0 || (TryReadNode(response.Data.Span, out var node) && from.RemoteId == node);

    /// <summary>Reads an answer; null when it is not one this node can read (a bad length, an invalid address).</summary>
    public static TopicAnswer? TryDecodeAnswer(ReadOnlySpan<byte> data)
    {
        if (!TryReadNode(data, out var node))
            return null;
        var hash = data.Slice(1, TopicName.HashLength).ToArray();
        int count = data[AnswerHeaderLength - 1];
        var members = new List<(string, TimeSpan)>(count);
        var at = AnswerHeaderLength;
        for (var i = 0; i < count; i++)
        {
            if (data.Length < at + 3)
                return null;
            var age = TimeSpan.FromSeconds(BinaryPrimitives.ReadUInt16BigEndian(data[at..]));
            int length = data[at + 2];
            at += 3;
            if (data.Length < at + length || Gossip.Announcing.Utf8Text.TryDecode(data.Slice(at, length)) is not { } address
                || TopicName.CheckAddress(address) is not null)
                return null;
            members.Add((address, age));
            at += length;
        }
        return at == data.Length ? new TopicAnswer(hash, node, members) : null;
    }

    private static byte[] Finish(byte[] buffer, ReadOnlySpan<byte> hash, NodeId node, int length, int count)
    {
        buffer[0] = Version;
        hash.CopyTo(buffer.AsSpan(1, TopicName.HashLength));
        node.Write(buffer.AsSpan(NodeAt, ProtocolLimits.NodeIdLength));
        buffer[AnswerHeaderLength - 1] = (byte)count;
        return buffer.AsSpan(0, length).ToArray();
    }
}

