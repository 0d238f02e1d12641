using System.Net;
using System.Net.Sockets;

namespace PeerNet.Bench.Testnet;

/// <summary>
/// The poison the attacker answers <c>_addrs</c> with: loopback addresses nothing listens on, so a node that dials
/// one is refused at once and traffic stays on this machine. Their ports are bound (never listening) on every IPv4
/// address for as long as the attack runs, so no process can listen on 127.x.y.z at them meanwhile. Half name the
/// attacker's own source address (they pass the learning budget as a peer's own addresses), half random 127.x.y.z
/// (third-party: they spend the source's budget).
/// </summary>
internal sealed class FakeAddresses : IDisposable
{
    private readonly List<Socket> _reserved = [];
    private readonly int[] _ports;
    private readonly string _source;
    private readonly Random _random;

    public FakeAddresses(IPAddress source, int ports, int seed)
    {
        _source = source.ToString();
        _random = new Random(seed);
        try
        {
            for (var i = 0; i < ports; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                _reserved.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Any, 0)); // bound, not listening: dials to it are refused
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        _ports = _reserved.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port).ToArray();
    }

    /// <summary>The next fake address.</summary>
    public string Next()
    {
        lock (_random)
        {
            var port = _ports[_random.Next(_ports.Length)];
            return _random.Next(2) == 0
                ? $"ws://{_source}:{port}/peer"
                : $"ws://127.{_random.Next(1, 255)}.{_random.Next(0, 256)}.{_random.Next(1, 255)}:{port}/peer";
        }
    }

    public void Dispose()
    {
        foreach (var socket in _reserved)
            socket.Dispose();
    }
}
