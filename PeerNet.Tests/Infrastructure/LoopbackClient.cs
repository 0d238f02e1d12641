using System.Net;
using System.Net.Sockets;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// An HttpClient whose connections leave from a chosen loopback address (127.0.0.2, ...): to a host it is another
/// client, while the traffic stays on this machine.
/// </summary>
public static class LoopbackClient
{
    public static HttpClient From(IPAddress local, Uri baseAddress)
    {
        if (!IPAddress.IsLoopback(local))
            throw new ArgumentException("Test traffic stays on loopback.", nameof(local));
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }
}
