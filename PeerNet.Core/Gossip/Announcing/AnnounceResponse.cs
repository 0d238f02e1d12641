using System.Text;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>A response to one of this node's announces, as it arrived.</summary>
/// <param name="Id">The response id.</param>
/// <param name="Reply">The id of the request it answers.</param>
/// <param name="Type">Its type (empty when absent).</param>
/// <param name="Data">Its payload (empty when absent).</param>
/// <param name="Hops">Links it travelled beyond the first (0 from a direct peer).</param>
/// <param name="Limit">Its limit field.</param>
public readonly record struct AnnounceResponse(ReadOnlyMemory<byte> Id, ReadOnlyMemory<byte> Reply, ReadOnlyMemory<byte> Type, ReadOnlyMemory<byte> Data, uint Hops, uint Limit)
{
    /// <summary>The type as text; null when it is not valid UTF-8.</summary>
    public string? TypeText => Utf8Text.TryDecode(Type.Span);

    /// <summary>The payload as text; null when it is not valid UTF-8.</summary>
    public string? DataText => Utf8Text.TryDecode(Data.Span);

    /// <summary>The 32-byte Ed25519 public key of the node that signed it (the replier); empty when unsigned. Forgeries never get here.</summary>
    public ReadOnlyMemory<byte> Signer { get; init; }

    /// <summary>The node id of <see cref="Signer"/>; null when unsigned.</summary>
    public NodeId? SignerId => Identity.MessageSignature.SignerId(Signer.Span);

    internal static AnnounceResponse FromWire(Announce response) =>
        new(response.Id.Memory, response.Reply.Memory, response.Type.Memory, response.Data.Memory, response.Hops, response.Limit) { Signer = response.Signer.Memory };
}
