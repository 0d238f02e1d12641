namespace PeerNet.Peers;

/// <summary>One handshaken peer with its connection's traffic so far (from <see cref="PeerCounters"/>).</summary>
/// <param name="Peer">The peer, as <c>connections()</c> lists it.</param>
/// <param name="FramesReceived">Frames received (keep-alives included).</param>
/// <param name="FramesSent">Frames sent.</param>
/// <param name="BytesReceived">Bytes of frames received.</param>
/// <param name="BytesSent">Bytes of frames sent.</param>
/// <param name="MessagesDiscarded">Messages discarded for breaking a field limit.</param>
/// <param name="SendsDropped">Forwarded messages dropped because the peer's send queue was full.</param>
public sealed record PeerTraffic(
    PeerInfo Peer,
    long FramesReceived,
    long FramesSent,
    long BytesReceived,
    long BytesSent,
    long MessagesDiscarded,
    long SendsDropped);
