namespace PeerNet.Peers;

/// <summary>Why the node refuses a handshaken peer.</summary>
/// <param name="Failure">The kind of refusal.</param>
/// <param name="Reason">The close reason.</param>
public sealed record HandshakeRefusal(PeerConnectFailure Failure, string Reason);
