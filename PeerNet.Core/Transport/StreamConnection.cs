using System.IO.Pipelines;
using System.Net;

namespace PeerNet.Transport;

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

    /// <summary>How long a clean close may take (flushing what is unsent) before the stream is aborted.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        // Completing the writer flushes what is unsent, which waits for ever on a peer that stopped reading: bounded,
        // then the stream is disposed, which fails the stuck write.
        try
        {
            await CloseCleanlyAsync().WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
        }
        finally
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task CloseCleanlyAsync()
    {
        await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        await _pipe.Input.CompleteAsync().ConfigureAwait(false);
    }

    private sealed record StreamDuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
