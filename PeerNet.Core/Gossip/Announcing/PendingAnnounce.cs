using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Announcing;

/// <summary>One of this node's own announces, waiting for answers until its deadline.</summary>
internal sealed class PendingAnnounce(Announce request, TimeSpan deadline)
{
    public Announce Request { get; } = request;

    /// <summary>The request id's key, computed by the announcer, off the loop.</summary>
    public UInt128 Key { get; } = IdKeys.Of(request.Id);

    /// <summary>When the stream ends (router time); TimeSpan.MaxValue: never by itself.</summary>
    public TimeSpan Deadline { get; } = deadline;

    /// <summary>Set by the loop once the announce ended; only the loop reads it.</summary>
    public bool Ended { get; set; }

    /// <summary>Responses on their way to the stream; the loop is the only writer, the stream the only reader.</summary>
    public ResponseQueue<AnnounceResponse> Responses { get; } = new(PeerNetLimits.ResponseBufferCapacity);
}
