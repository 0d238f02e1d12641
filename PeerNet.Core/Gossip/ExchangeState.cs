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

    /// <summary>A request that arrived before the handshake completed, answered once it has (one at most).</summary>
    public Protocol.Wire.Announce? Held { get; set; }

    /// <summary>When the last request was answered (a timestamp; 0: never): later ones wait out the answer interval.</summary>
    public long AnsweredAt { get; set; }
}
