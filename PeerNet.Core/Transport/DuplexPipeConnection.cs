using System.IO.Pipelines;
using System.Net;

namespace PeerNet.Transport;

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
