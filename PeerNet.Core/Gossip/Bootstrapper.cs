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
/// turns into a dial storm. The first round after a start puts the anchors (the peers the node had, see
/// <see cref="Healing.AnchorRecorder"/>) first. Dials go through <see cref="GossipDialer"/>, with its back-off. One round at
/// a time: the engine's bootstrap loop owns it.
/// </summary>
public sealed partial class Bootstrapper
{
    /// <summary>Most dials one round runs at once.</summary>
    public const int MaxConcurrentDials = 8;

    private readonly PeerNetwork _network;
    private readonly PeerStore _store;
    private readonly SeedExpander _seeds;
    private readonly GossipDialer _dialer;
    private readonly RandomSource _random;
    private readonly AddressRules _rules;
    private readonly PeerNetOptions _options;
    private readonly ILogger _logger;
    private bool _anchorsDialled;

    /// <summary>Creates the bootstrapper of a node.</summary>
    public Bootstrapper(PeerNetwork network, PeerStore store, SeedExpander seeds, GossipDialer dialer, AddressRules rules,
        IOptions<PeerNetOptions> options, RandomSource random, ILogger<Bootstrapper> logger)
    {
        _seeds = seeds;
        _dialer = dialer;
        _random = random;
        _network = network;
        _store = store;
        _rules = rules;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Addresses in back-off (the dialler's, shared with feelers).</summary>
    public DialBackoff Backoff => _dialer.Backoff;

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
        // The first round after a start dials the anchors first: the peers the node had when it stopped or was killed.
        if (!_anchorsDialled)
        {
            _anchorsDialled = true;
            var anchors = await AnchorsAsync(cancellationToken).ConfigureAwait(false);
            if (anchors.Count > 0)
                Log.DiallingAnchors(_logger, anchors.Count);
            pool.InsertRange(0, anchors);
        }
        var wantedDials = Math.Min(shortfall, MaxConcurrentDials);
        var candidates = SelectCandidates(pool, open, wantedDials);
        if (candidates.Count < wantedDials)
        {
            // The trusted share shapes what is sampled, not what is dialled: when the trusted addresses are connected,
            // dead or backing off (half the network just died), the rest of the new table's draw is tried too, or a
            // poisoned table's few honest entries would never be reached.
            var taken = new HashSet<string>(sample, StringComparer.Ordinal);
            var busy = new HashSet<string>(open, StringComparer.Ordinal);
            busy.UnionWith(candidates.Select(c => c.Value));
            candidates.AddRange(SelectCandidates(parts.Learned.Where(a => !taken.Contains(a)), busy, wantedDials - candidates.Count));
        }
        if (candidates.Count == 0)
        {
            Log.NothingToDial(_logger, connected, _options.Connections, pool.Count);
            return 0;
        }

        Log.Dialling(_logger, candidates.Count, connected, _options.Connections);
        var fromSeeds = resolved.Count == 0 ? null : resolved.Select(a => a.Value).ToHashSet(StringComparer.Ordinal);
        await Task.WhenAll(candidates.Select(a =>
            _dialer.DialAsync(a, DialPurpose.Bootstrap, checkScope: fromSeeds?.Contains(a.Value) != true && !parts.Saved.Contains(a.Value),
                fromSeeds?.Contains(a.Value) == true, cancellationToken))).ConfigureAwait(false);
        return candidates.Count;
    }

    /// <summary>The saved anchors, at most <see cref="PeerNetOptions.Anchors"/> and <see cref="PeerNetOptions.Connections"/>.</summary>
    private async Task<IReadOnlyList<string>> AnchorsAsync(CancellationToken cancellationToken)
    {
        if (_options.Anchors <= 0)
            return [];
        var saved = await _store.LoadAnchorsAsync(cancellationToken).ConfigureAwait(false);
        return [.. saved.Take(Math.Min(_options.Anchors, _options.Connections))];
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

    private static partial class Log
    {
        // Event ids 400-419 belong to bootstrap (403-406 to GossipDialer, 410-419 to its DialScope). Next free: 408.
        [LoggerMessage(400, LogLevel.Debug, "Bootstrap: dialling {Count} addresses ({Connected} of {Wanted} peers)")]
        public static partial void Dialling(ILogger logger, int count, int connected, int wanted);

        [LoggerMessage(401, LogLevel.Debug, "Bootstrap: nothing to dial ({Connected} of {Wanted} peers; {Sampled} addresses sampled)")]
        public static partial void NothingToDial(ILogger logger, int connected, int wanted, int sampled);

        [LoggerMessage(402, LogLevel.Debug, "Bootstrap: skipped {Address}: {Reason}")]
        public static partial void Skipped(ILogger logger, string address, string reason);

        [LoggerMessage(407, LogLevel.Debug, "Bootstrap: dialling {Count} anchors first (the peers this node had before it stopped)")]
        public static partial void DiallingAnchors(ILogger logger, int count);
    }
}
