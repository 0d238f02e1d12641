using System.Net;
using System.Net.Sockets;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// A 127.0.0.1 socket bound to a port the OS chose, held for as long as the test needs it: never a port picked,
/// released and hoped to be still free. <see cref="Listening"/> ones are handed to a host's Kestrel as an open
/// socket (so the port is known before the host starts, for PeerNet:Advertise); <see cref="Refusing"/> ones are
/// bound but not listening, so every dial to them is refused at once.
/// </summary>
public sealed class LoopbackPort : IDisposable
{
    private readonly Socket _socket;

    private LoopbackPort(bool listen, int port = 0)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A port asked for by number is one a stopped host had: its last connections may linger in TIME_WAIT.
            if (port != 0)
                _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            if (listen)
                _socket.Listen(512);
            Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public int Port { get; }

    /// <summary>The socket's descriptor, for Kestrel's <c>ListenHandle</c> (which serves on it but does not close it).</summary>
    public ulong Handle => (ulong)_socket.Handle;

    public static LoopbackPort Listening() => new(listen: true);

    /// <summary>
    /// A listening socket on <paramref name="port"/>, one a host of the test had and released: for a host restarted at
    /// the address its peers stored. (Kestrel cannot serve a second time on one socket: the runtime registers a
    /// descriptor with its event loop once.)
    /// </summary>
    public static LoopbackPort Listening(int port) => new(listen: true, port);

    public static LoopbackPort Refusing() => new(listen: false);

    public void Dispose() => _socket.Dispose();
}
