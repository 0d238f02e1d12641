using Google.Protobuf;
using PeerNet.Gossip.Dissemination;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>
/// Delivery acknowledgements on their way to an announcer, gathered per announce for <see cref="Delay"/> (or until a
/// response is full) and sent on as one <c>_pn.ack</c> response: a node whose subtree is large passes its nodes' acks in
/// a few frames, not one each. Bounded: at most <see cref="MaxOpenBatches"/> announces gather at once, past which acks
/// are dropped and counted. Owned by the router's loop.
/// </summary>
internal sealed class AckBatcher(IGossipScheduler scheduler, RandomSource random, PeerNetMetrics metrics)
{
    /// <summary>How long acknowledgements of one announce gather before they go on.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    /// <summary>Announces whose acknowledgements gather at once, at most.</summary>
    public const int MaxOpenBatches = 1024;

    private readonly Dictionary<UInt128, Batch> _open = [];

    /// <summary>Queues <paramref name="ack"/> toward <paramref name="toward"/> (the peer the announce came from).</summary>
    public void Add(UInt128 requestKey, ByteString requestId, uint limit, Peer toward, DeliveryAck ack)
    {
        if (!_open.TryGetValue(requestKey, out var batch))
        {
            if (_open.Count >= MaxOpenBatches)
            {
                metrics.ResponseDropped("ack_batches_full");
                return;
            }
            _open[requestKey] = batch = new Batch(requestId, limit, toward);
            scheduler.Schedule(Delay, () => Flush(requestKey, batch));
        }
        batch.Acks.Add(ack);
        if (batch.Acks.Count >= DeliveryAck.MaxPerResponse)
            Flush(requestKey, batch);
    }

    private void Flush(UInt128 requestKey, Batch batch)
    {
        if (!_open.TryGetValue(requestKey, out var current) || current != batch)
            return; // already sent (full), and maybe a newer batch gathers
        _open.Remove(requestKey);
        if (batch.Toward.IsClosed)
        {
            metrics.ResponseDropped("no_route");
            return;
        }
        var response = new Announce
        {
            Id = Messages.NewId(random),
            Reply = batch.RequestId,
            Hops = 0,
            Limit = batch.Limit,
            Type = MessageTypes.Ack,
            Data = UnsafeByteOperations.UnsafeWrap(DeliveryAck.Encode(batch.Acks)),
        };
        if (batch.Toward.TrySendResponse(response))
            metrics.ResponseRelayed();
        else
            metrics.ResponseDropped("send_queue_full");
    }

    private sealed class Batch(ByteString requestId, uint limit, Peer toward)
    {
        public ByteString RequestId { get; } = requestId;

        public uint Limit { get; } = limit;

        public Peer Toward { get; } = toward;

        public List<DeliveryAck> Acks { get; } = [];
    }
}
