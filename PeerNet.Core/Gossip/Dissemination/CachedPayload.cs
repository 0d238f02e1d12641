using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// A request kept to answer GRAFTs: the frame exactly as this node pushes it, how many pulls it served, and to whom
/// (at most <see cref="PeerNetLimits.GraftServesPerId"/>, a last resort included), so one peer repeating a GRAFT for
/// the same ids gets each copy once, not once per frame (threat L1).
/// </summary>
internal sealed class CachedPayload(Message frame)
{
    private int[]? _servedTo; // link owners (GossipLink.Owner), made at the first serve

    public Message Frame { get; } = frame;

    public int Served { get; private set; }

    /// <summary>True when <paramref name="owner"/> already got this copy by GRAFT.</summary>
    public bool WasServedTo(int owner) => _servedTo is { } served && Array.IndexOf(served, owner, 0, Served) >= 0;

    /// <summary>Counts a copy served to <paramref name="owner"/> (callers keep <see cref="Served"/> under the limit).</summary>
    public void RecordServe(int owner)
    {
        _servedTo ??= new int[PeerNetLimits.GraftServesPerId];
        if (Served < _servedTo.Length)
            _servedTo[Served] = owner;
        Served++;
    }
}
