using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Gossip.Seeds;
using PeerNet.Peers;
using PeerNet.Storage;

namespace PeerNet.Gossip;

/// <summary>
/// Keeps <see cref="PeerNetOptions.Connections"/> handshaken peers: dials random stored addresses and the addresses the
/// DNS seeds resolve to at this round (<see cref="SeedExpander"/>), in random order, skipping those already connected,
/// the node's own, and those in back-off. A resolved address that answers is saved like a learned one. At most <see cref="MaxConcurrentDials"/> dials run at
/// once, and each round dials no more than the shortfall, so an empty store or a store of dead addresses never
/// turns into a dial storm. One round at a time: the engine's bootstrap loop owns it.
/// </summary>
public sealed partial class Bootstrapper
{
    /// <summary>Most dials one round runs at once.</summary>
    public const int MaxConcurrentDials = 8;

    /// <summary>First wait after a failed dial; it doubles with each further failure.</summary>
    public static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait after repeated failures.</summary>
    public static readonly TimeSpan MaxFailureBackoff = TimeSpan.FromMinutes(5);

    /// <summary>How long an address that led to a node already connected (by its other end) is left alone.</summary>
    public static readonly TimeSpan AlreadyConnectedBackoff = TimeSpan.FromSeconds(10);

    /// <summary>How long an address that turned out to be this node itself is left alone.</summary>
    public static readonly TimeSpan SelfBackoff = TimeSpan.FromHours(1);

    /// <summary>How long a learned address found out of scope at dial time is left alone (its name may answer otherwise later).</summary>
    public static readonly TimeSpan OutOfScopeBackoff = TimeSpan.FromMinutes(10);

    private readonly PeerNetwork _network;
    private readonly PeerStore _store;
    private readonly SeedExpander _seeds;
    private readonly DialScope _scope;
    private readonly HashSet<string> _configured;
    private readonly RandomSource _random;
    private readonly AddressRules _rules;
    private readonly PeerNetOptions _options;
    private readonly PeerNetMetrics _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the bootstrapper of a node.</summary>
    public Bootstrapper(PeerNetwork network, PeerStore store, SeedExpander seeds, DialScope scope, NodeIdentity identity, AddressRules rules,
        IOptions<PeerNetOptions> options, TimeProvider time, RandomSource random, PeerNetMetrics metrics, ILogger<Bootstrapper> logger)
    {
        ArgumentNullException.ThrowIfNull(identity);
        _scope = scope;
        // The seeds written as addresses are the operator's choice, not gossip's: they skip the dial-time scope check.
        _configured = new HashSet<string>(identity.Seeds.Select(s => s.Value), StringComparer.Ordinal);
        _seeds = seeds;
        _random = random;
        _metrics = metrics;
        _network = network;
        _store = store;
        _rules = rules;
        _options = options.Value;
        _logger = logger;
        Backoff = new DialBackoff(time, FailureBackoff, MaxFailureBackoff);
    }

    /// <summary>Addresses in back-off.</summary>
    public DialBackoff Backoff { get; }

    /// <summary>
    /// One round: when fewer than <see cref="PeerNetOptions.Connections"/> peers are handshaken, dials up to the
    /// shortfall (at most <see cref="MaxConcurrentDials"/>) and waits for those dials. Returns how many it started.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        // Outbound peers only: inbound ones are whoever chose to connect, and five of them must not stop this node
        // from choosing its own (an attacker's sessions would otherwise satisfy bootstrap for good).
        var connected = _network.OutboundCount;
        var shortfall = _options.Connections - connected;
        if (shortfall <= 0)
            return 0;

        var open = _network.OpenAddresses();
        // Sample more than needed: some of the sample will be connected, our own, or backing off. The DNS seeds are
        // resolved meanwhile, at every round: what a name answers now is what is dialled.
        var resolving = _seeds.ExpandAsync(cancellationToken);
        var wanted = Math.Min(256, shortfall * 4 + open.Count);
        var parts = await _store.SamplePartsAsync(wanted, cancellationToken).ConfigureAwait(false);
        var sample = parts.Take(wanted, _options.SampleTrustedShare);
        var resolved = await resolving.ConfigureAwait(false);
        var pool = Pool(sample, resolved);
        var candidates = SelectCandidates(pool, open, Math.Min(shortfall, MaxConcurrentDials));
        if (candidates.Count == 0)
        {
            Log.NothingToDial(_logger, connected, _options.Connections, pool.Count);
            return 0;
        }

        Log.Dialling(_logger, candidates.Count, connected, _options.Connections);
        var fromSeeds = resolved.Count == 0 ? null : resolved.Select(a => a.Value).ToHashSet(StringComparer.Ordinal);
        await Task.WhenAll(candidates.Select(a =>
            DialAsync(a, checkScope: fromSeeds?.Contains(a.Value) != true && !parts.Saved.Contains(a.Value), fromSeeds?.Contains(a.Value) == true, cancellationToken))).ConfigureAwait(false);
        return candidates.Count;
    }

    /// <summary>
    /// The stored sample and the resolved seeds in one random order: a resolved address competes with the stored ones
    /// rather than going first, so a seed does not become every node's hub once the network has other addresses.
    /// </summary>
    private List<string> Pool(IReadOnlyList<string> sample, IReadOnlyList<PeerAddress> resolved)
    {
        var pool = new List<string>(sample.Count + resolved.Count);
        pool.AddRange(sample);
        if (resolved.Count == 0)
            return pool; // the store's sample is random already
        pool.AddRange(resolved.Select(a => a.Value));
        for (var i = pool.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool;
    }

    /// <summary>The addresses of <paramref name="sample"/> worth dialling now, at most <paramref name="max"/>.</summary>
    internal List<PeerAddress> SelectCandidates(IEnumerable<string> sample, IReadOnlySet<string> open, int max)
    {
        var picked = new List<PeerAddress>(max);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in sample)
        {
            if (picked.Count >= max)
                break;
            string? skip = null;
            if (!_rules.TryParse(text, out var address, out var error))
                skip = "not a valid address: " + error; // stored by an older version with other rules
            else if (!seen.Add(address.Value))
                continue; // stored and resolved from a seed as well
            else if (open.Contains(address.Value))
                skip = "already connected";
            else if (Backoff.IsWaiting(address.Value))
                skip = "backing off after a failed or redundant dial";
            if (skip is not null)
            {
                Log.Skipped(_logger, text, skip);
                continue;
            }
            picked.Add(address!);
        }
        return picked;
    }

    private async Task DialAsync(PeerAddress address, bool checkScope, bool fromSeed, CancellationToken cancellationToken)
    {
        // Addresses from gossip (the address table's new and tried parts) are checked again now, names resolved; explicit
        // saves are the operator's and seeds' resolved IPs passed the scope in SeedExpander. A refusal is not a failure
        // of the address.
        if (checkScope && !_configured.Contains(address.Value)
            && await _scope.RefusalAsync(address, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            _metrics.DialRefused(refused.Tag);
            Backoff.Defer(address.Value, OutOfScopeBackoff);
            Log.OutOfScope(_logger, address.Value, refused.Reason);
            return;
        }
        try
        {
            var session = await _network.ConnectAsync(address, cancellationToken).ConfigureAwait(false);
            _metrics.Dial(ok: true);
            Backoff.RecordSuccess(address.Value);
            // A seed's address that answers is kept like a learned one (unless removed within RemovedTtl): node exchange
            // and GET /api/nodes/sample can offer it, and purge forgets it once it stops answering.
            if (fromSeed)
                _store.TrySaveLearned([address], source: null);
            Log.Dialled(_logger, address.Value, session.RemoteId?.ToString() ?? "?");
        }
        catch (PeerConnectException ex)
        {
            _metrics.Dial(ok: false);
            switch (ex.Failure)
            {
                case PeerConnectFailure.AlreadyConnected:
                    Backoff.Defer(address.Value, AlreadyConnectedBackoff);
                    break;
                case PeerConnectFailure.Self:
                    Backoff.Defer(address.Value, SelfBackoff);
                    break;
                case PeerConnectFailure.CapReached:
                    break; // says nothing about the address
                default:
                    var wait = Backoff.RecordFailure(address.Value);
                    Log.DialFailed(_logger, address.Value, ex.Reason, wait.TotalSeconds);
                    return;
            }
            Log.DialRefused(_logger, address.Value, ex.Reason);
        }
    }

    private static partial class Log
    {
        // Event ids 400-419 belong to bootstrap (410-419 to its DialScope). Next free: 407.
        [LoggerMessage(400, LogLevel.Debug, "Bootstrap: dialling {Count} addresses ({Connected} of {Wanted} peers)")]
        public static partial void Dialling(ILogger logger, int count, int connected, int wanted);

        [LoggerMessage(401, LogLevel.Debug, "Bootstrap: nothing to dial ({Connected} of {Wanted} peers; {Sampled} addresses sampled)")]
        public static partial void NothingToDial(ILogger logger, int connected, int wanted, int sampled);

        [LoggerMessage(402, LogLevel.Debug, "Bootstrap: skipped {Address}: {Reason}")]
        public static partial void Skipped(ILogger logger, string address, string reason);

        [LoggerMessage(403, LogLevel.Debug, "Bootstrap: connected to {Address} (node {PeerId})")]
        public static partial void Dialled(ILogger logger, string address, string peerId);

        [LoggerMessage(404, LogLevel.Debug, "Bootstrap: dial to {Address} failed: {Reason}; backing off {Seconds} s")]
        public static partial void DialFailed(ILogger logger, string address, string reason, double seconds);

        [LoggerMessage(405, LogLevel.Debug, "Bootstrap: dial to {Address} refused: {Reason}")]
        public static partial void DialRefused(ILogger logger, string address, string reason);

        [LoggerMessage(406, LogLevel.Debug, "Bootstrap: not dialling {Address}: {Reason}")]
        public static partial void OutOfScope(ILogger logger, string address, string reason);
    }
}
