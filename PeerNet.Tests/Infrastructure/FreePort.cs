using System.Net;
using System.Net.Sockets;

namespace PeerNet.Tests.Infrastructure;

/// <summary>A loopback port free right now (for listeners that cannot take port 0, such as PeerNet:TcpPort).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
