using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;

namespace PeerNet.Transport;

/// <summary>Dials <c>ws://</c> and <c>wss://</c> addresses with <see cref="ClientWebSocket"/>, compression off.</summary>
public sealed class WebSocketTransport(IOptions<PeerNetOptions> options) : IPeerTransport
{
    // Read at the first dial, after options validation proved the files readable.
    private readonly Lazy<TlsTrust> _trust = new(() => TlsTrust.Load(options.Value.TrustedCertificates));

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
        if (address.Scheme == "wss" && _trust.Value is { HasExtraRoots: true } trust)
            socket.Options.RemoteCertificateValidationCallback = trust.Validate;
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
