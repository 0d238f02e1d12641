using System.Net;
using System.Net.Sockets;
using PeerNet.Addressing;

namespace PeerNet.Transport;

/// <summary>Dials <c>tcp://host:port</c>: the raw byte stream (PeerNet to PeerNet only; the original has no tcp listener).</summary>
public sealed class TcpTransport : IPeerTransport
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> Schemes { get; } = ["tcp"];

    /// <inheritdoc />
    public async Task<PeerConnection> ConnectAsync(PeerAddress address, CancellationToken cancellationToken)
    {
        var host = address.Host.TrimStart('[').TrimEnd(']');
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, address.Port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new StreamConnection(new NetworkStream(socket, ownsSocket: true), "tcp", socket.RemoteEndPoint);
    }
}
