using System.Net;
using System.Net.Sockets;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// A port free right now on every local address, IPv4 and IPv6, for the only listeners that cannot take an OS-assigned
/// port: PeerNet:TcpPort (0 turns it off, and the host binds it itself, so it cannot be handed a socket) and Kestrel's
/// <c>localhost</c> URLs (Kestrel refuses <c>localhost:0</c>: its two sockets would get two ports). Tests of exactly
/// that binding use it. The port is released before the host takes it, so it is free only most likely; everything
/// else therefore serves on a socket the OS bound and the test holds (<see cref="LoopbackPort"/>).
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
