using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PeerNet.Fuzz.Targets;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Storage;
using PeerNet.Transport;

namespace PeerNet.Fuzz.Sessions;

/// <summary>
/// One node, built as AddPeerNet builds it (its store on SQLite in a temporary folder, no hosted service started: it
/// never dials), taking each input as a new inbound connection over an in-memory pipe: the bytes a peer sends, then
/// the end of the stream. The session runs its real read loop, handshake, admission and node exchange, and is closed
/// and forgotten before the next input. A session per input rather than the handlers alone: the _hello and _addrs
/// rules are spread over the session (who may send what when), the peer table and node exchange, and a session
/// costs only a few objects and two pipes (the node and its store are made once per process).
/// </summary>
public sealed class SessionHarness : IAsyncDisposable
{
    /// <summary>The seed the node's randomness restarts from before each input (the corpora answer its ids).</summary>
    public const int Seed = 15;

    /// <summary>How long one input may run before it counts as a hang (AFL's own -t is shorter).</summary>
    public static readonly TimeSpan InputTimeout = TimeSpan.FromSeconds(10);

    private readonly ServiceProvider _services;
    private readonly ReplayableRandom _random;
    private readonly FaultLog _faults;
    private readonly DirectoryInfo _directory;
    private readonly PeerNetwork _network;
    private Peer? _admitted;

    private SessionHarness(ServiceProvider services, ReplayableRandom random, FaultLog faults, DirectoryInfo directory)
    {
        _services = services;
        _random = random;
        _faults = faults;
        _directory = directory;
        _network = services.GetRequiredService<PeerNetwork>();
        _network.PeerConnected += peer => Volatile.Write(ref _admitted, peer);
    }

    /// <summary>The node's services (its metrics, store).</summary>
    public IServiceProvider Services => _services;

    /// <summary>Builds the node and opens its store.</summary>
    public static SessionHarness Start()
    {
        var directory = Directory.CreateTempSubdirectory("peernet-fuzz-");
        var random = new ReplayableRandom(Seed);
        var faults = new FaultLog();
        var collection = new ServiceCollection().AddLogging(logging => logging.ClearProviders().AddProvider(faults).SetMinimumLevel(LogLevel.Debug));
        collection.AddPeerNet(o =>
        {
            // Every input comes from 127.0.0.1: an unlimited learning budget keeps the store's save path reachable
            // after the first thousand inputs.
            o.LearnRate = 1_000_000;
            o.LearnBurst = 10_000_000;
        }, connectionString: $"Data Source={Path.Combine(directory.FullName, "fuzz.db")}");
        collection.Replace(ServiceDescriptor.Singleton<RandomSource>(random));
        var services = collection.BuildServiceProvider();
        services.GetRequiredService<PeerStore>().StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new SessionHarness(services, random, faults, directory);
    }

    /// <summary>
    /// Runs one connection: <paramref name="prefix"/> then <paramref name="input"/> as what the peer sends, then the
    /// end of the stream. Returns what the node sent; throws <see cref="FuzzFailure"/> when the node logged a fault.
    /// </summary>
    public SessionRun Run(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> input)
    {
        _random.Reset();
        Volatile.Write(ref _admitted, null);
        var toNode = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var fromNode = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var connection = new DuplexPipeConnection(new Duplex(toNode.Reader, fromNode.Writer), "tcp", new IPEndPoint(IPAddress.Loopback, 40000));
        toNode.Writer.Write(prefix);
        toNode.Writer.Write(input);
        toNode.Writer.FlushAsync().GetAwaiter().GetResult(); // no pause threshold: completes at once
        toNode.Writer.Complete();

        var run = _network.RunInboundAsync(connection);
        if (!run.Wait(InputTimeout))
            throw new FuzzFailure($"the session did not end within {InputTimeout.TotalSeconds} s of the end of its input");
        run.GetAwaiter().GetResult();
        var admitted = Volatile.Read(ref _admitted);
        if (admitted is not null)
            AwaitAnswer(admitted);
        if (_faults.Drain() is { Count: > 0 } faults)
            throw new FuzzFailure("the node logged a fault:" + Environment.NewLine + string.Join(Environment.NewLine, faults));
        return new SessionRun(Sent(fromNode.Reader), admitted is not null);
    }

    /// <summary>
    /// Waits for node exchange's answer to the peer to end (it runs on after the session closed: a store query, then
    /// sends that fail): its faults then belong to this input, and its work does not blur the next one's coverage.
    /// </summary>
    private static void AwaitAnswer(Peer peer)
    {
        var deadline = Environment.TickCount64 + (long)InputTimeout.TotalMilliseconds;
        var spin = new SpinWait();
        while (Volatile.Read(ref peer.Exchange.Answering) != 0)
        {
            if (Environment.TickCount64 > deadline)
                throw new FuzzFailure($"node exchange's answer did not end within {InputTimeout.TotalSeconds} s of the session's end");
            spin.SpinOnce();
        }
    }

    /// <summary>The frames the node wrote (the write loop completed when the session closed).</summary>
    private static List<Message> Sent(PipeReader reader)
    {
        var messages = new List<Message>();
        if (!reader.TryRead(out var result))
            return messages;
        var buffer = result.Buffer;
        while (FrameReader.TryReadFrame(ref buffer, int.MaxValue, out var payload) == FrameStatus.Frame)
        {
            if (!payload.IsEmpty)
                messages.Add(Message.Parser.ParseFrom(payload));
        }
        reader.AdvanceTo(result.Buffer.End);
        reader.Complete();
        return messages;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _network.StopAsync().ConfigureAwait(false);
        await _services.GetRequiredService<PeerStore>().StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
