namespace PeerNet.Peers;

/// <summary>Why a connection attempt failed.</summary>
public enum PeerConnectFailure
{
    /// <summary>No transport dials the address's scheme.</summary>
    NoTransport,

    /// <summary>The transport could not connect (refused, unreachable, DNS, TLS, HTTP upgrade).</summary>
    Unreachable,

    /// <summary>No handshake within the time allowed.</summary>
    Timeout,

    /// <summary>The connection closed before the handshake completed.</summary>
    HandshakeFailed,

    /// <summary>The address leads to this node itself.</summary>
    Self,

    /// <summary>A connection to that address or node is already open.</summary>
    AlreadyConnected,

    /// <summary>A connection cap is reached.</summary>
    CapReached,

    /// <summary>The peer could not prove its node id, or is unverified where <see cref="PeerNetOptions.RequireVerifiedPeers"/> wants proof.</summary>
    Unverified,
}
