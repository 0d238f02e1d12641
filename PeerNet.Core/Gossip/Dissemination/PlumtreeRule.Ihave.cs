using PeerNet.Protocol;
using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>IHAVEs wait <see cref="DisseminationSettings.IhaveDelay"/> and go out gathered, one frame per lazy peer.</summary>
public sealed partial class PlumtreeRule
{
    /// <summary>
    /// Adds <paramref name="id"/> to the peer's next IHAVE frame; a full one (by ids or by bytes) goes out at once.
    /// </summary>
    private void QueueIhave(LinkState peer, ByteString id)
    {
        if (!peer.IhaveQueued)
        {
            peer.IhaveQueued = true;
            _ihaveQueue.Add(peer);
        }
        if (peer.AddPendingIhave(id))
            FlushIhaves(peer);
        if (!_ihaveFlushArmed)
        {
            _ihaveFlushArmed = true;
            // Jittered (1 to 2 delays): of two neighbours that both got the id, the one that flushes first usually
            // reaches the other before its own flush, which then leaves the id out.
            _scheduler.Schedule(_settings.IhaveDelay * (1 + _random.NextDouble()), _flushIhaves);
        }
    }

    /// <summary>Sends every queued IHAVE, one frame per peer.</summary>
    private void FlushIhaves()
    {
        _ihaveFlushArmed = false;
        // Usually every lazy peer waits for the same one id (one announce per delay): they share one frame.
        ControlFrame? shared = null;
        Google.Protobuf.ByteString? sharedId = null;
        foreach (var peer in _ihaveQueue)
        {
            peer.IhaveQueued = false;
            if (peer.PendingIhaveCount == 1 && peer.Attached)
            {
                var id = peer.OnlyPendingIhave!;
                if (!ReferenceEquals(id, sharedId))
                    (shared, sharedId) = (ControlFrame.Ihave(id.Span), id);
                SendControl(peer, shared!.Value);
                Counters.IhaveSent++;
                peer.ClearPendingIhaves();
                continue;
            }
            FlushIhaves(peer);
        }
        _ihaveQueue.Clear();
    }

    private void FlushIhaves(LinkState peer)
    {
        if (peer.PendingIhaveCount is var count and > 0 && peer.Attached)
        {
            SendControl(peer, peer.PendingIhaveFrame());
            Counters.IhaveSent += count;
        }
        peer.ClearPendingIhaves();
    }
}
