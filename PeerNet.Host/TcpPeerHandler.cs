using Microsoft.AspNetCore.Connections;
using PeerNet.Transport;

namespace PeerNet.Host;

/// <summary>The optional raw TCP listener (<c>PeerNet:TcpPort</c>): Kestrel connections become inbound tcp peers.</summary>
internal sealed class TcpPeerHandler(PeerNode node) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection) =>
        node.AcceptAsync(new DuplexPipeConnection(connection.Transport, "tcp", connection.RemoteEndPoint, connection.Abort), connection.ConnectionClosed);
}
