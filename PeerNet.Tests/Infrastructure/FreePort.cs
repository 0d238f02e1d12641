using System.Net;
using System.Net.Sockets;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// A port free right now on every local address, IPv4 and IPv6, for listeners that cannot take port 0: PeerNet:TcpPort
/// (0 turns it off) and Kestrel's localhost (two sockets that would get two ports). Everything else binds port 0.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        // Bound, never listening: nothing can connect to it while the OS hands out the port.
        using var socket = Loopback.HasIPv6
            ? new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true }
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(Loopback.HasIPv6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
