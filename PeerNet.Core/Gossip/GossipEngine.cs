using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip;

/// <summary>
/// The node's background work, as the original's intervals: bootstrap (keep <see cref="PeerNetOptions.Connections"/>
/// peers), node exchange (ask every peer for addresses each <see cref="PeerNetOptions.Interval"/>) and purge (forget
/// dead addresses each <see cref="PeerNetOptions.Purge"/>). Each loop logs a failed round and goes on; only
/// shutdown ends them. Registered after the service that opens the store, so it starts after it and stops before it
/// (the store's pending writes are flushed last).
/// </summary>
public sealed partial class GossipEngine : BackgroundService, IPeerMessageHandler
{
    /// <summary>How often bootstrap checks its peer count when node exchange is off (Interval 0).</summary>
    public static readonly TimeSpan DefaultBootstrapPeriod = TimeSpan.FromSeconds(5);

    /// <summary>Shortest time between two bootstrap rounds when drops trigger them (or the period, if shorter).</summary>
    public static readonly TimeSpan MinBootstrapGap = TimeSpan.FromSeconds(1);

    private readonly PeerNetwork _network;
    private readonly Bootstrapper _bootstrapper;
    private readonly NodeExchange _exchange;
    private readonly Purger _purger;
    private readonly Announcing.AnnounceRouter _announces;
    private readonly PeerNetOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LoopTrigger _bootstrapTrigger = new();
    private long _loopFailures;
    private volatile bool _running;

    /// <summary>Creates the engine of a node.</summary>
    public GossipEngine(
        PeerNetwork network,
        Bootstrapper bootstrapper,
        NodeExchange exchange,
        Purger purger,
        Announcing.AnnounceRouter announces,
        IOptions<PeerNetOptions> options,
        TimeProvider time,
        ILogger<GossipEngine> logger)
    {
        _network = network;
        _bootstrapper = bootstrapper;
        _exchange = exchange;
        _purger = purger;
        _announces = announces;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>True from start until shutdown: the loops are running.</summary>
    public bool IsRunning => _running;

    /// <summary>Loop rounds that failed (logged; the loop went on).</summary>
    public long LoopFailures => Interlocked.Read(ref _loopFailures);

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Listen before anything runs (.NET 10 runs ExecuteAsync entirely in the background): a peer that completes
        // its handshake right after start is still asked for addresses and joins the announce tree.
        _announces.Start();
        _network.MessageHandler = this;
        _network.PeerConnected += OnPeerConnected;
        _network.PeerDisconnected += OnPeerDisconnected;
        foreach (var peer in _network.Peers)
            _announces.OnPeerConnected(peer); // peers that connected before the engine started (a repeat is ignored)
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _running = true;
        return Task.WhenAll(BootstrapLoopAsync(stoppingToken), ExchangeLoopAsync(stoppingToken), PurgeLoopAsync(stoppingToken));
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _running = false;
        _network.PeerConnected -= OnPeerConnected;
        _network.PeerDisconnected -= OnPeerDisconnected;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _announces.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void OnMessage(PeerSession peer, Message message)
    {
        // _addrs answers go to node exchange; announces, replies and control frames to the announce router.
        if (message.KindCase == Message.KindOneofCase.Response && message.Response.Type.Equals(MessageTypes.Addrs))
            _exchange.OnResponse(peer, message.Response);
        else
            _announces.OnMessage(peer, message);
    }

    private void OnPeerConnected(PeerSession peer)
    {
        _announces.OnPeerConnected(peer);
        // Ask at once, as the original does: a new node learns the network in its first second.
        if (_options.Interval > 0)
            _exchange.Ask(peer);
    }

    private void OnPeerDisconnected(PeerSession peer, string reason)
    {
        _announces.OnPeerDisconnected(peer);
        _exchange.Forget(peer);
        if (_options.Bootstrap)
            _bootstrapTrigger.Fire();
    }

    private async Task BootstrapLoopAsync(CancellationToken stoppingToken)
    {
        if (!_options.Bootstrap)
            return;
        var period = _options.Interval > 0 ? TimeSpan.FromMilliseconds(_options.Interval) : DefaultBootstrapPeriod;
        // A peer that handshakes and drops at once must not be redialled in a tight loop.
        var minimumGap = period < MinBootstrapGap ? period : MinBootstrapGap;
        try
        {
            while (true)
            {
                var started = _time.GetTimestamp();
                await RoundAsync("bootstrap", () => _bootstrapper.RunOnceAsync(stoppingToken), stoppingToken).ConfigureAwait(false);
                if (await _bootstrapTrigger.WaitAsync(period, _time, stoppingToken).ConfigureAwait(false)
                    && _time.GetElapsedTime(started) is var elapsed && elapsed < minimumGap)
                {
                    await Task.Delay(minimumGap - elapsed, _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ExchangeLoopAsync(CancellationToken stoppingToken)
    {
        if (_options.Interval <= 0)
            return;
        await PeriodicAsync("node exchange", TimeSpan.FromMilliseconds(_options.Interval), () =>
        {
            foreach (var peer in _network.Peers)
                _exchange.Ask(peer);
            return Task.CompletedTask;
        }, stoppingToken).ConfigureAwait(false);
    }

    private async Task PurgeLoopAsync(CancellationToken stoppingToken)
    {
        if (_options.Purge <= 0)
            return;
        await PeriodicAsync("purge", TimeSpan.FromMilliseconds(_options.Purge), () => _purger.RunOnceAsync(stoppingToken), stoppingToken)
            .ConfigureAwait(false);
    }

    private async Task PeriodicAsync(string name, TimeSpan period, Func<Task> round, CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(period, _time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await RoundAsync(name, round, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one round; a failure is logged and counted, never thrown (only shutdown ends a loop).</summary>
    private async Task RoundAsync(string name, Func<Task> round, CancellationToken stoppingToken)
    {
        try
        {
            await round().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _loopFailures);
            Log.RoundFailed(_logger, ex, name);
        }
    }

    private static partial class Log
    {
        // Event ids 460-479 belong to the engine. Next free: 461.
        [LoggerMessage(460, LogLevel.Warning, "Gossip engine: a {Loop} round failed; the loop goes on")]
        public static partial void RoundFailed(ILogger logger, Exception exception, string loop);
    }
}
