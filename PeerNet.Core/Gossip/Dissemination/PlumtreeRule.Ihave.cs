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
        foreach (var peer in _ihaveQueue)
        {
            peer.IhaveQueued = false;
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
