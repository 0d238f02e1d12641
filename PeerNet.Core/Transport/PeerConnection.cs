using System.IO.Pipelines;
using System.Net;

namespace PeerNet.Transport;

/// <summary>
/// A connected duplex byte stream to a peer, whatever carries it: every transport ends here, so framing,
/// handshake and gossip run the same over ws, tcp or an in-memory pipe.
/// </summary>
public abstract class PeerConnection : IAsyncDisposable
{
    /// <summary>The byte stream: read what the peer sent, write what to send.</summary>
    public abstract IDuplexPipe Pipe { get; }

    /// <summary>The transport's name for logs and metrics (ws, wss, tcp, stream).</summary>
    public abstract string Transport { get; }

    /// <summary>The peer's network address, when known.</summary>
    public virtual EndPoint? RemoteEndPoint => null;

    /// <summary>How liveness is checked.</summary>
    public virtual KeepAliveMode KeepAlive => KeepAliveMode.Frames;

    /// <summary>Closes at once, dropping anything unsent.</summary>
    public abstract void Abort();

    /// <summary>Closes cleanly within a bounded time, then aborts.</summary>
    public abstract ValueTask DisposeAsync();
}
