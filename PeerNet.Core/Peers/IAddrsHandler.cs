using PeerNet.Protocol.Wire;

namespace PeerNet.Peers;

/// <summary>Node exchange as a session sees it: where <c>_addrs</c> traffic goes, and news of a handshaken peer.</summary>
internal interface IAddrsHandler
{
    /// <summary>An _addrs request from a peer whose _hello has arrived (the original asks before it answers ours).</summary>
    void OnAddrsRequest(Peer peer, Announce request);

    /// <summary>An _addrs response from a handshaken peer.</summary>
    void OnAddrsResponse(Peer peer, Announce response);

    /// <summary>A peer completed its handshake.</summary>
    void OnPeerUp(Peer peer);
}
