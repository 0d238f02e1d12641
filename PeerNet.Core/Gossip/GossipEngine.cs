using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Peers;

namespace PeerNet.Gossip;

/// <summary>
/// The node's background work, as the original's intervals: bootstrap (keep <see cref="PeerNetOptions.Connections"/>
/// peers), node exchange (ask every peer for addresses each <see cref="PeerNetOptions.Interval"/>) and purge (forget
/// dead addresses each <see cref="PeerNetOptions.Purge"/>), and with bootstrap on the healing that lets a split or
/// restarted network find itself again: feelers (<see cref="Healing.FeelerDialer"/>), outbound rotation
/// (<see cref="Healing.OutboundRotation"/>) and anchors (<see cref="Healing.AnchorRecorder"/>, dialled first by
/// bootstrap). Each loop logs a failed round and goes on; only
/// shutdown ends them. Registered after the service that opens the store, so it starts after it and stops before it
/// (the store's pending writes are flushed last).
/// </summary>
public sealed partial class GossipEngine : BackgroundService
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
    private readonly Healing.FeelerDialer _feeler;
    private readonly Healing.OutboundRotation _rotation;
    private readonly Healing.AnchorRecorder _anchors;
    private readonly PeerNetOptions _options;
    private readonly TimeProvider _time;
    private readonly PeerNetMetrics _metrics;
    private readonly ILogger _logger;
    private readonly LoopTrigger _bootstrapTrigger = new();
    private volatile bool _running;

    /// <summary>Creates the engine of a node.</summary>
    public GossipEngine(
        PeerNetwork network,
        Bootstrapper bootstrapper,
        NodeExchange exchange,
        Purger purger,
        Announcing.AnnounceRouter announces,
        Healing.FeelerDialer feeler,
        Healing.OutboundRotation rotation,
        Healing.AnchorRecorder anchors,
        IOptions<PeerNetOptions> options,
        TimeProvider time,
        PeerNetMetrics metrics,
        ILogger<GossipEngine> logger)
    {
        _network = network;
        _bootstrapper = bootstrapper;
        _exchange = exchange;
        _purger = purger;
        _announces = announces;
        _feeler = feeler;
        _rotation = rotation;
        _anchors = anchors;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>True from start until shutdown: the loops are running.</summary>
    public bool IsRunning => _running;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Sessions hand their messages to node exchange and the announce router directly; the engine only schedules.
        _announces.Start();
        _anchors.Start();
        _network.PeerDisconnected += OnPeerDisconnected;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _running = true;
        return Task.WhenAll(BootstrapLoopAsync(stoppingToken), ExchangeLoopAsync(stoppingToken), PurgeLoopAsync(stoppingToken),
            FeelerLoopAsync(stoppingToken), RotationLoopAsync(stoppingToken));
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _running = false;
        _anchors.Stop();
        _network.PeerDisconnected -= OnPeerDisconnected;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _announces.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void OnPeerDisconnected(Peer peer, string reason)
    {
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

    private async Task FeelerLoopAsync(CancellationToken stoppingToken)
    {
        if (!_options.Bootstrap || _options.FeelerInterval <= 0)
            return;
        await PeriodicAsync("feeler", TimeSpan.FromMilliseconds(_options.FeelerInterval), () => _feeler.RunOnceAsync(stoppingToken), stoppingToken)
            .ConfigureAwait(false);
    }

    private async Task RotationLoopAsync(CancellationToken stoppingToken)
    {
        if (!_options.Bootstrap || _options.RotateInterval <= 0)
            return;
        await PeriodicAsync("rotation", TimeSpan.FromMilliseconds(_options.RotateInterval), () =>
        {
            _rotation.RotateOnce(); // the drop fires the bootstrap trigger, which dials the replacement
            return Task.CompletedTask;
        }, stoppingToken).ConfigureAwait(false);
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
            _metrics.RoundFailed(name);
            Log.RoundFailed(_logger, ex, name);
        }
    }

    private static partial class Log
    {
        // Event ids 460-479 belong to the engine (462-465: FeelerDialer, 466-469: OutboundRotation). Next free: 461.
        [LoggerMessage(460, LogLevel.Warning, "Gossip engine: a {Loop} round failed; the loop goes on")]
        public static partial void RoundFailed(ILogger logger, Exception exception, string loop);
    }
}
