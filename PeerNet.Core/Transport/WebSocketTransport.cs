using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;

namespace PeerNet.Transport;

/// <summary>Dials <c>ws://</c> and <c>wss://</c> addresses with <see cref="ClientWebSocket"/>, compression off.</summary>
public sealed class WebSocketTransport(IOptions<PeerNetOptions> options) : IPeerTransport
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> Schemes { get; } = ["ws", "wss"];

    /// <inheritdoc />
    public async Task<PeerConnection> ConnectAsync(PeerAddress address, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        var keepAlive = TimeSpan.FromMilliseconds(options.Value.KeepAliveInterval);
        socket.Options.KeepAliveInterval = keepAlive;
        // A pong must come back within this: a peer that leaves pings unanswered is closed.
        socket.Options.KeepAliveTimeout = keepAlive * options.Value.KeepAliveMisses;
        try
        {
            await socket.ConnectAsync(new Uri(address.Value), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new WebSocketConnection(socket, address.Scheme, new DnsEndPoint(address.Host, address.Port));
    }
}
