namespace PeerNet.Peers;

/// <summary>The verdict on a new connection.</summary>
public enum Admission
{
    /// <summary>It may open.</summary>
    Admitted,

    /// <summary>At <see cref="PeerNetOptions.MaxPeers"/>.</summary>
    PeerCap,

    /// <summary>At <see cref="PeerNetOptions.MaxPendingHandshakes"/>.</summary>
    PendingCap,

    /// <summary>At <see cref="PeerNetOptions.MaxConnectionsPerPrefix"/> (or the loopback cap) for its source prefix.</summary>
    PrefixCap,
}
