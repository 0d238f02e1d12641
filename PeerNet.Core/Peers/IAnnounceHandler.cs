using PeerNet.Protocol.Wire;

namespace PeerNet.Peers;

/// <summary>The announce router as a session sees it. Calls never block (they post to the router's loop).</summary>
internal interface IAnnounceHandler
{
    /// <summary>A validated announce request (<paramref name="isRequest"/>) or response from a handshaken peer.</summary>
    void OnAnnounce(Peer peer, Announce announce, bool isRequest);

    /// <summary>
    /// A validated control frame from a handshaken peer that announced control frames; <paramref name="pooled"/>: its
    /// array was rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>, and the router returns it once handled.
    /// </summary>
    void OnControl(Peer peer, Protocol.ControlFrame control, bool pooled = false);

    /// <summary>A peer completed its handshake: it joins the dissemination rule's links.</summary>
    void OnPeerUp(Peer peer);

    /// <summary>A handshaken peer left.</summary>
    void OnPeerDown(Peer peer);
}
