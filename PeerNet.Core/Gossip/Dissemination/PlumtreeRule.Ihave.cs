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
        (ByteString? Id, ControlFrame Frame) shared = default; // usually every lazy peer waits for the same one id: one frame
        foreach (var peer in _ihaveQueue)
        {
            peer.IhaveQueued = false;
            FlushIhaves(peer, ref shared);
        }
        _ihaveQueue.Clear();
    }

    private void FlushIhaves(LinkState peer)
    {
        (ByteString? Id, ControlFrame Frame) none = default;
        FlushIhaves(peer, ref none);
    }

    /// <summary>Sends the peer's queued IHAVEs; a lone id's frame is taken from (or becomes) <paramref name="shared"/>.</summary>
    private void FlushIhaves(LinkState peer, ref (ByteString? Id, ControlFrame Frame) shared)
    {
        if (peer.PendingIhaveCount is var count and > 0 && peer.Attached)
        {
            ControlFrame frame;
            if (count > 1)
                frame = peer.PendingIhaveFrame();
            else
            {
                var id = peer.OnlyPendingIhave!;
                if (!ReferenceEquals(id, shared.Id))
                    shared = (id, ControlFrame.Ihave(id.Span));
                frame = shared.Frame;
            }
            SendControl(peer, frame);
            Counters.IhaveSent += count;
        }
        peer.ClearPendingIhaves();
    }
}
