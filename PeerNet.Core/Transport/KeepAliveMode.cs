using System.IO.Pipelines;
using System.Net;

namespace PeerNet.Transport;

/// <summary>How liveness is checked on a connection.</summary>
public enum KeepAliveMode
{
    /// <summary>The transport does it (WebSocket ping/pong): the session sends nothing extra.</summary>
    Transport,

    /// <summary>The session sends empty frames when idle and closes a connection that stays silent (tcp, plain streams).</summary>
    Frames,
}
