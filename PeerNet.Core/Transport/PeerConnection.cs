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

/// <summary>A connection over any <see cref="IDuplexPipe"/> (the original's <c>createStream()</c>).</summary>
public sealed class DuplexPipeConnection(IDuplexPipe pipe, string transport = "stream", EndPoint? remoteEndPoint = null, Action? abort = null)
    : PeerConnection
{
    /// <inheritdoc />
    public override IDuplexPipe Pipe => pipe;

    /// <inheritdoc />
    public override string Transport => transport;

    /// <inheritdoc />
    public override EndPoint? RemoteEndPoint => remoteEndPoint;

    /// <inheritdoc />
    public override void Abort()
    {
        abort?.Invoke();
        pipe.Input.CancelPendingRead();
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        pipe.Output.Complete();
        pipe.Input.Complete();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A connection over a <see cref="Stream"/> (a socket's NetworkStream, an SslStream, a test stream).</summary>
public sealed class StreamConnection : PeerConnection
{
    private readonly Stream _stream;
    private readonly IDuplexPipe _pipe;

    /// <summary>Wraps <paramref name="stream"/>; disposing the connection disposes the stream.</summary>
    public StreamConnection(Stream stream, string transport = "stream", EndPoint? remoteEndPoint = null)
    {
        _stream = stream;
        Transport = transport;
        RemoteEndPoint = remoteEndPoint;
        _pipe = new StreamDuplexPipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
    }

    /// <inheritdoc />
    public override IDuplexPipe Pipe => _pipe;

    /// <inheritdoc />
    public override string Transport { get; }

    /// <inheritdoc />
    public override EndPoint? RemoteEndPoint { get; }

    /// <inheritdoc />
    public override void Abort() => _stream.Dispose();

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        await _pipe.Input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record StreamDuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
