namespace PeerNet.Peers;

/// <summary>Where a session registers once its handshake completes, and leaves when it closes (the peer table's owner).</summary>
internal interface IPeerAdmission
{
    /// <summary>Admits a peer whose handshake completed; a refusal closes the session.</summary>
    HandshakeRefusal? Admit(Peer peer);

    /// <summary>The session is closing (handshaken or not): it is no longer a connected peer.</summary>
    void Depart(Peer peer, string reason);

    /// <summary>Its transport is closed: it no longer counts against the caps.</summary>
    void Forget(Peer peer);
}
