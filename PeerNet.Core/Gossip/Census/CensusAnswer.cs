using System.Buffers.Binary;
using System.Text;
using PeerNet.Protocol;

namespace PeerNet.Gossip.Census;

/// <summary>
/// One node's answer to a census, as the data of a <c>_pn.census</c> response: version 1, the node id, its version
/// text, how many peers it has, and up to <see cref="MaxPeers"/> of them (id and flags), within the 1024-byte data limit.
/// </summary>
/// <param name="Node">The answering node.</param>
/// <param name="Version">Its PeerNet version (at most <see cref="MaxVersionBytes"/> bytes of UTF-8).</param>
/// <param name="TotalPeers">How many peers it has (more than listed when it has over <see cref="MaxPeers"/>).</param>
/// <param name="Peers">The peers listed.</param>
internal sealed record CensusAnswer(NodeId Node, string Version, int TotalPeers, IReadOnlyList<CensusPeer> Peers)
{
    public const byte FormatVersion = 1;

    /// <summary>Peers listed at most: 17 bytes each keeps an answer under the 1024-byte data limit.</summary>
    public const int MaxPeers = 50;

    public const int MaxVersionBytes = 32;

    public byte[] Encode()
    {
        var version = Encoding.UTF8.GetBytes(Version);
        var versionLength = Math.Min(version.Length, MaxVersionBytes);
        var peers = Math.Min(Peers.Count, MaxPeers);
        var bytes = new byte[1 + ProtocolLimits.NodeIdLength + 1 + versionLength + 2 + 1 + peers * (ProtocolLimits.NodeIdLength + 1)];
        var span = bytes.AsSpan();
        span[0] = FormatVersion;
        Node.Write(span.Slice(1, ProtocolLimits.NodeIdLength));
        var at = 1 + ProtocolLimits.NodeIdLength;
        span[at++] = (byte)versionLength;
        version.AsSpan(0, versionLength).CopyTo(span[at..]);
        at += versionLength;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)Math.Min(TotalPeers, ushort.MaxValue));
        at += 2;
        span[at++] = (byte)peers;
        for (var i = 0; i < peers; i++)
        {
            Peers[i].Id.Write(span.Slice(at, ProtocolLimits.NodeIdLength));
            at += ProtocolLimits.NodeIdLength;
            span[at++] = (byte)((Peers[i].IsPeerNet ? 1 : 0) | (Peers[i].Outbound ? 2 : 0));
        }
        return bytes;
    }

    /// <summary>The answer in <paramref name="data"/>, or null when it is not one this node can read.</summary>
    public static CensusAnswer? TryDecode(ReadOnlySpan<byte> data)
    {
        const int idLength = ProtocolLimits.NodeIdLength;
        if (data.Length < 1 + idLength + 1 || data[0] != FormatVersion)
            return null;
        var node = NodeId.Read(data.Slice(1, idLength));
        var at = 1 + idLength;
        int versionLength = data[at++];
        if (versionLength > MaxVersionBytes || data.Length < at + versionLength + 3)
            return null;
        if (Announcing.Utf8Text.TryDecode(data.Slice(at, versionLength)) is not { } version)
            return null;
        at += versionLength;
        int total = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
        at += 2;
        int count = data[at++];
        if (count > MaxPeers || data.Length != at + count * (idLength + 1))
            return null;
        var peers = new CensusPeer[count];
        for (var i = 0; i < count; i++)
        {
            var flags = data[at + idLength];
            peers[i] = new CensusPeer(NodeId.Read(data.Slice(at, idLength)), (flags & 1) != 0, (flags & 2) != 0);
            at += idLength + 1;
        }
        return new CensusAnswer(node, version, Math.Max(total, count), peers);
    }
}

/// <summary>A peer listed in a census answer.</summary>
internal readonly record struct CensusPeer(NodeId Id, bool IsPeerNet, bool Outbound);
