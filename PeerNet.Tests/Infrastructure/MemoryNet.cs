using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PeerNet.Addressing;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Storage;
using PeerNet.Transport;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// Nodes wired by in-memory pipes: a transport registered for <c>tcp</c> routes each address to a node of this
/// net (or for <c>scheme</c>, to test custom transports). Tests the sessions without sockets.
/// </summary>
internal sealed class MemoryNet(string scheme = "tcp") : IAsyncDisposable
{
    private readonly HashSet<string> _schemes = new(PeerAddress.BuiltInSchemes.Append(scheme), StringComparer.Ordinal);
    private readonly TempDirectory _dir = new();
    private readonly Dictionary<string, MemoryNode> _listeners = new(StringComparer.Ordinal);
    private readonly List<MemoryNode> _nodes = [];

    /// <summary>Adds a node; <paramref name="random"/> (seeded) makes its node id and every random choice it makes repeatable.</summary>
    /// <param name="services">Registrations made after AddPeerNet's (a fake <c>ISeedResolver</c>, say), replacing its own.</param>
    public async Task<MemoryNode> AddAsync(string address, Action<PeerNetOptions>? configure = null, TimeProvider? time = null, RandomSource? random = null,
        Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddPeerNet(o =>
        {
            o.HandshakeTimeout = 2000;
            configure?.Invoke(o);
        }, connectionString: $"Data Source={_dir.File(Guid.NewGuid().ToString("N") + ".db")}");
        collection.AddSingleton<IPeerTransport>(new Transport(this, scheme));
        // Bootstrap resolves learned names at dial time: a net's names ("tcp://b:1") answer a documentation address
        // (nothing dials it: the net routes by address), so no test resolves a real name. A test may register its own.
        collection.Replace(ServiceDescriptor.Singleton<PeerNet.Gossip.Seeds.ISeedResolver>(new FakeSeedResolver().AnyName("192.0.2.1")));
        if (time is not null)
            collection.Replace(ServiceDescriptor.Singleton(time));
        if (random is not null)
        {
            collection.Replace(ServiceDescriptor.Singleton(random));
            // A seeded node has a repeatable key, so a repeatable node id: 16 bytes drawn where the identity used to
            // draw its id, so every later draw of the seed is what it was.
            collection.AddSingleton(_ =>
            {
                var seed = new byte[16];
                random.NextBytes(seed);
                return PeerNet.Identity.NodeKey.FromSeed(System.Security.Cryptography.SHA256.HashData(seed));
            });
        }
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();
        var store = provider.GetRequiredService<PeerStore>();
        await store.StartAsync(CancellationToken.None);
        var node = new MemoryNode(provider, PeerAddress.Parse(address, _schemes));
        _listeners[node.Address.Value] = node;
        _nodes.Add(node);
        return node;
    }

    /// <summary>Routes <paramref name="address"/> to <paramref name="node"/> too.</summary>
    public void Alias(string address, MemoryNode node) => _listeners[PeerAddress.Parse(address, _schemes).Value] = node;

    /// <summary>A raw connection into <paramref name="node"/>, as a scripted peer that speaks bytes.</summary>
    public ScriptedPeer Raw(MemoryNode node, IPAddress? from = null, NodeId? id = null)
    {
        var (ours, theirs) = Pair(from ?? IPAddress.Loopback);
        _ = node.Network.RunInboundAsync(theirs);
        return new ScriptedPeer(ours) { NodeId = id ?? ScriptedPeer.Id };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        _dir.Dispose();
    }

    internal static (DuplexPipeConnection Client, DuplexPipeConnection Server) Pair(IPAddress from)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var client = new DuplexPipeConnection(new Duplex(toClient.Reader, toServer.Writer), "tcp", new IPEndPoint(IPAddress.Loopback, 9));
        var server = new DuplexPipeConnection(new Duplex(toServer.Reader, toClient.Writer), "tcp", new IPEndPoint(from, 40000));
        return (client, server);
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    private sealed class Transport(MemoryNet net, string scheme) : IPeerTransport
    {
        public IReadOnlyCollection<string> Schemes { get; } = [scheme];

        public Task<PeerConnection> ConnectAsync(PeerAddress address, CancellationToken cancellationToken)
        {
            if (!net._listeners.TryGetValue(address.Value, out var listener))
                throw new IOException($"connection refused: nothing listens at {address}");
            var (client, server) = Pair(IPAddress.Loopback);
            _ = listener.Network.RunInboundAsync(server);
            return Task.FromResult<PeerConnection>(client);
        }
    }
}

internal sealed class MemoryNode(ServiceProvider services, PeerAddress address) : IAsyncDisposable
{
    public PeerAddress Address { get; } = address;

    public PeerNetwork Network { get; } = services.GetRequiredService<PeerNetwork>();

    public PeerStore Store { get; } = services.GetRequiredService<PeerStore>();

    public NodeIdentity Identity { get; } = services.GetRequiredService<NodeIdentity>();

    public PeerNode Node { get; } = services.GetRequiredService<PeerNode>();

    public IServiceProvider Services => services;

    public T Get<T>() where T : notnull => services.GetRequiredService<T>();

    public Task<Peer> ConnectAsync(MemoryNode other, CancellationToken cancellationToken = default) =>
        Network.ConnectAsync(other.Address, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Network.StopAsync();
        await Store.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}
