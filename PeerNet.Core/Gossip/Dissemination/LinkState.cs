using PeerNet.Protocol;
namespace PeerNet.Gossip.Dissemination;

/// <summary>A dissemination rule's state for one link, kept on the link (<see cref="GossipLink.Dissemination"/>).</summary>
internal sealed class LinkState(GossipLink link)
{
    public GossipLink Link { get; } = link;

    /// <summary>Read once: a link's feature set is fixed by its handshake.</summary>
    public bool TakesControl { get; } = link.TakesControlFrames;

    /// <summary>Gets full copies (always true in effect for an original peer, which is never pruned).</summary>
    public bool IsEager { get; set; } = true;

    /// <summary>
    /// The link has proved itself since it last became eager (a first copy came over it, or this node accepted its
    /// GRAFT). The eager cap demotes unproved links first, so the settled tree stays put.
    /// </summary>
    public bool Proved { get; set; }

    /// <summary>Until then ask this peer for a GRAFT only when no other announcer is left (it pruned this node).</summary>
    public TimeSpan BackoffUntil { get; set; }

    /// <summary>Position in the rule's link list (swap-remove).</summary>
    public int Index { get; set; }

    /// <summary>Scratch stamp: equal to the router's current stamp when this peer announced the id being pushed.</summary>
    public int Mark { get; set; }

    /// <summary>This peer has sent this node a gossip frame (request or control) at least once.</summary>
    public bool Heard { get; set; }

    /// <summary>This node has sent this peer a gossip frame at least once.</summary>
    public bool Spoken { get; set; }

    /// <summary>When the first push to a never-heard peer went out; <see cref="TimeSpan.MinValue"/> for none.</summary>
    public TimeSpan UnansweredSince { get; set; } = TimeSpan.MinValue;

    // The next IHAVE frame's ids: the first in a field (usually the only one: one announce per IHAVE delay), the rest
    // in a list lent from a per-thread pool while the peer has more than one queued. A list for every lazy peer of
    // every node, all queued at once in the same delay, outgrew any pool and was a fifth of what a node allocated per announce.
    [ThreadStatic]
    private static Stack<List<Google.Protobuf.ByteString>>? t_idLists;

    private const int PooledIdLists = 256;

    private Google.Protobuf.ByteString? _firstPendingIhave;
    private List<Google.Protobuf.ByteString>? _morePendingIhaves;

    /// <summary>Ids this peer gets in the next IHAVE flush (at most <see cref="ControlFrameValidator.MaxIdsPerList"/>).</summary>
    public int PendingIhaveCount => (_firstPendingIhave is null ? 0 : 1) + (_morePendingIhaves?.Count ?? 0);

    /// <summary>The one pending id when <see cref="PendingIhaveCount"/> is 1.</summary>
    public Google.Protobuf.ByteString? OnlyPendingIhave => _firstPendingIhave;

    /// <summary>Encoded size of the pending ids in an IHAVE frame.</summary>
    public int PendingIhaveBytes { get; private set; }

    /// <summary>Adds <paramref name="id"/> to the next IHAVE frame; true when that frame is full (by ids or bytes).</summary>
    public bool AddPendingIhave(Google.Protobuf.ByteString id)
    {
        if (_firstPendingIhave is null)
            _firstPendingIhave = id;
        else
            (_morePendingIhaves ??= t_idLists is { Count: > 0 } pool ? pool.Pop() : new()).Add(id);
        PendingIhaveBytes += ControlFrame.FieldSize(id.Length);
        return PendingIhaveCount >= ControlFrameValidator.MaxIdsPerList || PendingIhaveBytes >= ControlFrames.MaxIhaveFrameBytes;
    }

    /// <summary>Leaves <paramref name="id"/> out of the next IHAVE frame: this peer showed it has it.</summary>
    public void RemovePendingIhave(ReadOnlySpan<byte> id)
    {
        if (_firstPendingIhave is { } first && first.Span.SequenceEqual(id))
        {
            _firstPendingIhave = null;
            if (_morePendingIhaves is { Count: > 0 } more)
            {
                _firstPendingIhave = more[0];
                more.RemoveAt(0);
            }
            PendingIhaveBytes -= ControlFrame.FieldSize(id.Length);
            return;
        }
        if (_morePendingIhaves is not { } pending)
            return;
        for (var i = 0; i < pending.Count; i++)
        {
            if (pending[i].Span.SequenceEqual(id))
            {
                pending.RemoveAt(i);
                PendingIhaveBytes -= ControlFrame.FieldSize(id.Length);
                return;
            }
        }
    }

    /// <summary>The next IHAVE frame (the pending ids in the order they came); only when <see cref="PendingIhaveCount"/> is over 0.</summary>
    public ControlFrame PendingIhaveFrame()
    {
        if (_morePendingIhaves is not { Count: > 0 } more)
            return ControlFrame.Ihave(_firstPendingIhave!.Span);
        more.Insert(0, _firstPendingIhave!);
        _firstPendingIhave = null;
        return ControlFrame.Ihave(more);
    }

    /// <summary>Empties the next IHAVE frame (sent, or the link went) and hands its list back to the pool.</summary>
    public void ClearPendingIhaves()
    {
        _firstPendingIhave = null;
        if (_morePendingIhaves is { } list)
        {
            list.Clear();
            var pool = t_idLists ??= new();
            if (pool.Count < PooledIdLists)
                pool.Push(list);
            _morePendingIhaves = null;
        }
        PendingIhaveBytes = 0;
    }

    /// <summary>In the router's IHAVE flush queue.</summary>
    public bool IhaveQueued { get; set; }

    /// <summary>False once the link was removed (pending pulls drop it).</summary>
    public bool Attached { get; set; } = true;
}
