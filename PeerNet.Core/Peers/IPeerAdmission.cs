namespace PeerNet.Peers;

/// <summary>Where a session registers once its handshake completes, and leaves when it closes (the peer table's owner).</summary>
internal interface IPeerAdmission
{
    /// <summary>Admits a peer whose handshake completed; a refusal closes the session.</summary>
    HandshakeRefusal? Admit(Peer peer);

    /// <summary>The session closed (handshaken or not).</summary>
    void Release(Peer peer, string reason);
}
