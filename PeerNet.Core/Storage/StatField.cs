namespace PeerNet.Storage;

/// <summary>A per-address counter of <see cref="PeerStats"/>.</summary>
public enum StatField
{
    /// <summary>connections.ok</summary>
    ConnectionOk,
    /// <summary>connections.fail</summary>
    ConnectionFail,
    /// <summary>nodes.rx: addresses received from the peer.</summary>
    NodesRx,
    /// <summary>nodes.tx: addresses sent to the peer.</summary>
    NodesTx,
}
