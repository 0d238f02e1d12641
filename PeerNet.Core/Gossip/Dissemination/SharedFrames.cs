using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// Forwarded frames shared by the rules of one process that forward the same request with the same hops: a simulation
/// of a million routers holds one frame per hop count of an announce instead of one per node (each kept for GRAFTs).
/// Frames never change once handed to a link (<see cref="GossipLink"/>), so sharing them is safe. A node has one rule
/// and passes none. Bounded: past <see cref="Capacity"/> frames it starts over.
/// </summary>
internal sealed class SharedFrames
{
    /// <summary>Most frames held (an announce needs one per hop count it reaches).</summary>
    public const int Capacity = 4096;

    private readonly Dictionary<(UInt128 Key, uint Hops), Message> _frames = new();

    /// <summary>Frames held.</summary>
    public int Count => _frames.Count;

    /// <summary>
    /// The frame that forwards <paramref name="request"/> (whose id has <paramref name="key"/>) one hop further: the
    /// shared one when an equal request was forwarded from the same hops, else a new one, shared from now on.
    /// </summary>
    public Message Forward(UInt128 key, Announce request)
    {
        if (_frames.TryGetValue((key, request.Hops), out var shared) && SameForward(shared.Request, request))
            return shared;
        var frame = new Message { Request = Forwarded.Of(request) };
        if (_frames.Count >= Capacity)
            _frames.Clear();
        _frames[(key, request.Hops)] = frame;
        return frame;
    }

    /// <summary>Drops every frame (the frames handed out stay valid).</summary>
    public void Clear() => _frames.Clear();

    // What Forwarded.Of copies: the same id under another request (a forger's) must not get the shared frame.
    private static bool SameForward(Announce forwarded, Announce request) =>
        forwarded.Id.Equals(request.Id) && forwarded.Limit == request.Limit && forwarded.Report == request.Report
        && forwarded.HasType == request.HasType && forwarded.Type.Equals(request.Type)
        && forwarded.HasData == request.HasData && forwarded.Data.Equals(request.Data)
        && forwarded.HasSigner == request.HasSigner && forwarded.Signer.Equals(request.Signer) && forwarded.Signature.Equals(request.Signature);
}
