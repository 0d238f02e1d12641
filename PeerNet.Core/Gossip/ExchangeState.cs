using Google.Protobuf;

namespace PeerNet.Gossip;

/// <summary>Node exchange's state for one peer, kept on the peer (<c>Peer.Exchange</c>): read loops and the exchange loop share it under its gate.</summary>
internal sealed class ExchangeState
{
    public Lock Gate { get; } = new();

    /// <summary>The id of this node's outstanding _addrs request to the peer; a newer one replaces it.</summary>
    public ByteString? PendingId { get; set; }

    /// <summary>Answers to the outstanding request so far.</summary>
    public int Answers { get; set; }

    /// <summary>1 while an answer to the peer's own request is being sent (one at a time per peer).</summary>
    public int Answering;
}
