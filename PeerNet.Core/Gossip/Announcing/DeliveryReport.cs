namespace PeerNet.Gossip.Announcing;

/// <summary>
/// What became of one own announce that asked for a report: the PeerNet nodes that delivered it, with the hops it
/// reached them with, the peer each got it from, when (since it was sent), and the forwards dropped on the way.
/// Filled by the router's loop as acknowledgements arrive (at most <see cref="PeerNetLimits.ResponseBufferCapacity"/>);
/// read from anywhere.
/// </summary>
public sealed class DeliveryReport
{
    private readonly Lock _gate = new();
    private readonly List<DeliveryEntry> _entries = [];
    private readonly HashSet<Protocol.NodeId> _nodes = [];

    internal DeliveryReport(string id, DateTimeOffset sentAt, int droppedAtSource)
    {
        Id = id;
        SentAt = sentAt;
        DroppedAtSource = droppedAtSource;
    }

    /// <summary>The announce id, lowercase hex.</summary>
    public string Id { get; }

    /// <summary>When this node sent it.</summary>
    public DateTimeOffset SentAt { get; }

    /// <summary>Router time it was sent at (for the delays of its acknowledgements).</summary>
    internal TimeSpan PublishedAt { get; init; }

    /// <summary>Copies this node itself could not queue (full or closed send queues).</summary>
    public int DroppedAtSource { get; }

    /// <summary>True once the announce ended: no more acknowledgements are taken.</summary>
    public bool Complete { get; private set; }

    /// <summary>The nodes that delivered it, in the order their acknowledgements arrived.</summary>
    public IReadOnlyList<DeliveryEntry> Entries
    {
        get { lock (_gate) return [.. _entries]; }
    }

    /// <summary>Records one acknowledgement; checked (one per node, bounded) before anything is formatted.</summary>
    internal void Add(DeliveryAck ack, TimeSpan after)
    {
        lock (_gate)
        {
            // One entry per node (a node acks once; a relayed duplicate is dropped on the way, but be sure), bounded.
            if (Complete || _entries.Count >= PeerNetLimits.ResponseBufferCapacity || !_nodes.Add(ack.Node))
                return;
            _entries.Add(new DeliveryEntry(ack.Node.ToString(), ack.Hops, ack.From.ToString(), after, ack.DroppedForwards));
        }
    }

    internal void Finish()
    {
        lock (_gate)
            Complete = true;
    }
}
