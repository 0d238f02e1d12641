using Microsoft.Extensions.Logging;

namespace PeerNet.Peers;

/// <summary>The session's log events: at Debug, why a peer was dropped or a message discarded.</summary>
internal sealed partial class PeerSession
{
    private static partial class Log
    {
        // Event ids 200-299 belong to peer sessions. Next free: 210.
        [LoggerMessage(200, LogLevel.Debug, "Peer {Peer}: handshake complete (PeerNet node: {IsPeerNet})")]
        public static partial void Handshaken(ILogger logger, PeerSession peer, bool isPeerNet);

        [LoggerMessage(201, LogLevel.Debug, "Peer {Peer}: closing: {Reason}")]
        public static partial void Closing(ILogger logger, PeerSession peer, string reason);

        [LoggerMessage(202, LogLevel.Debug, "Peer {Peer}: protocol violation: {Reason}")]
        public static partial void Violation(ILogger logger, PeerSession peer, string reason);

        [LoggerMessage(203, LogLevel.Debug, "Peer {Peer}: discarded a message: {Reason}")]
        public static partial void Discarded(ILogger logger, PeerSession peer, string reason);

        [LoggerMessage(204, LogLevel.Debug, "Peer {Peer}: ignored: {Reason}")]
        public static partial void Ignored(ILogger logger, PeerSession peer, string reason);

        [LoggerMessage(205, LogLevel.Debug, "Peer {Peer}: send queue full, dropped a forwarded message ({Dropped} so far)")]
        public static partial void SendDropped(ILogger logger, PeerSession peer, long dropped);

        [LoggerMessage(206, LogLevel.Warning, "Peer {Peer}: read loop failed")]
        public static partial void ReadFailed(ILogger logger, Exception exception, PeerSession peer);

        [LoggerMessage(207, LogLevel.Debug, "Peer {Peer}: closing the connection failed")]
        public static partial void CloseFailed(ILogger logger, Exception exception, PeerSession peer);

        [LoggerMessage(208, LogLevel.Debug, "Peer {Peer}: refused, it cannot prove its node id: {Reason}")]
        public static partial void Unproven(ILogger logger, PeerSession peer, string reason);
    }
}
