using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Peers;

/// <summary>
/// The _hello handshake: the peer's node id comes only from its own _hello request (hops 0); only the first answer to
/// our _hello confirms; a peer claiming an identity must prove it (<see cref="Identity.HandshakeProof"/>); then the node
/// admits the peer (one per node id, the crossed-dial rule, verified before unverified) or refuses it.
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
            if (extension.Version >= 2 && Features.HasFlag(HelloFeatures.Identity) && _proof.OnRequest(hello.Data.Span, RemoteId.Value) is { } unproven)
                return Unproven(unproven);
        }
        if (RemoteId == _context.Self)
        {
            _failure = PeerConnectFailure.Self;
            return $"dialled itself: the peer's node id {RemoteId} is this node's";
        }

        _queue.TryWrite(Identity.HelloProof.Response(Messages.NewId(_context.Random), hello.Id, _context.Key, _context.Extension,
            _proof.PeerChallenge, _proof.OwnChallenge));
        return CompleteHandshakeIfReady();
    }

    private string? OnHelloResponse(Announce hello)
    {
        // Only the first answer to our own _hello confirms; the original also relays its other peers' answers.
        if (_helloConfirmed || !hello.Reply.Equals(_helloId))
            return Ignore("unsolicited _hello response");
        _helloConfirmed = true;
        _proof.OnConfirmation(hello.Data); // its signature is checked once the peer's request is in too
        return CompleteHandshakeIfReady();
    }

    private string? CompleteHandshakeIfReady()
    {
        if (!_helloReceived || !_helloConfirmed || _handshake.Task.IsCompleted)
            return null;
        if (_proof.Check() is { } unproven)
            return Unproven(unproven);
        if (_proof.VerifiedKey is null && _context.Options.RequireVerifiedPeers)
            return Unproven("it proves no node id (an original or older PeerNet node) and PeerNet:RequireVerifiedPeers is set");
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

    /// <summary>Refuses a peer that cannot prove its node id (counted as a failed handshake, tag unverified; logged at Debug).</summary>
    private string Unproven(string reason)
    {
        _failure = PeerConnectFailure.Unverified;
        Log.Unproven(_context.Logger, this, reason);
        return "cannot prove its node id: " + reason;
    }
}
