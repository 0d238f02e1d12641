using System.Net;
using System.Net.Sockets;

namespace PeerNet.Tests.Infrastructure;

/// <summary>The machine's loopback addresses, probed once.</summary>
public static class Loopback
{
    private static readonly Lazy<bool> Ipv6 = new(ProbeIPv6);

    /// <summary>True when [::1] can be bound here (some containers run with IPv6 off).</summary>
    public static bool HasIPv6 => Ipv6.Value;

    /// <summary>127.0.0.1, and [::1] where this machine has it.</summary>
    public static IReadOnlyList<IPAddress> Addresses => HasIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];

    private static bool ProbeIPv6()
    {
        if (!Socket.OSSupportsIPv6)
            return false;
        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
