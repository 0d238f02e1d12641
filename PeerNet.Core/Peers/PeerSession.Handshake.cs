using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Peers;

/// <summary>
/// The _hello handshake: the peer's node id comes only from its own _hello request (hops 0); only the first answer to
/// our _hello confirms; then the node admits the peer (one per node id, the crossed-dial rule) or refuses it.
/// </summary>
internal sealed partial class PeerSession
{
    private bool _helloReceived;
    private bool _helloConfirmed;

    private string? OnHelloRequest(Announce hello)
    {
        // The original relays others' _hello requests one hop on: only the peer's own (hops 0) counts.
        if (hello.Hops != 0)
            return Ignore("relayed _hello request");
        if (_helloReceived)
            return Ignore("second _hello request");
        if (hello.Data.Length < ProtocolLimits.NodeIdLength)
            return Violation($"_hello request data of {hello.Data.Length} bytes has no 16-byte node id");

        _helloReceived = true;
        RemoteId = NodeId.Read(hello.Data.Span);
        if (HelloExtension.TryRead(hello.Data.Span, out var extension))
        {
            IsPeerNet = true;
            Features = extension.Features;
        }
        if (RemoteId == _context.Self)
        {
            _failure = PeerConnectFailure.Self;
            return $"dialled itself: the peer's node id {RemoteId} is this node's";
        }

        _queue.Writer.TryWrite(Messages.HelloResponse(Messages.NewId(_context.Random), hello.Id, _context.Self));
        return CompleteHandshakeIfReady();
    }

    private string? OnHelloResponse(Announce hello)
    {
        // Only the first answer to our own _hello confirms; the original also relays its other peers' answers.
        if (_helloConfirmed || !hello.Reply.Equals(_helloId))
            return Ignore("unsolicited _hello response");
        _helloConfirmed = true;
        return CompleteHandshakeIfReady();
    }

    private string? CompleteHandshakeIfReady()
    {
        if (!_helloReceived || !_helloConfirmed || _handshake.Task.IsCompleted)
            return null;
        HandshakenAt = _context.Time.GetUtcNow();
        var refusal = _admission.Admit(Peer);
        if (refusal is not null)
        {
            HandshakenAt = null;
            _failure = refusal.Failure;
            return refusal.Reason;
        }
        if (_handshake.TrySetResult())
            _context.Metrics.Handshake(null);
        Log.Handshaken(_context.Logger, this, IsPeerNet);
        return null;
    }
}
