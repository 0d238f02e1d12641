using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>A request kept to answer GRAFTs: the frame exactly as this node pushes it, and how many pulls it served.</summary>
internal sealed class CachedPayload(Message frame)
{
    public Message Frame { get; } = frame;

    public int Served { get; set; }
}
