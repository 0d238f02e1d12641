using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Peers;
using PeerNet.Storage;

namespace PeerNet.Gossip;

/// <summary>
/// Forgets dead addresses: checks a random sample of <see cref="PeerNetOptions.PurgeSample"/> stored addresses
/// and removes those <see cref="PurgePolicy"/> condemns, except one connected right now and the configured seeds
/// (every node may start before its seed does). Purged addresses are blocked from being learned again only for
/// <see cref="PeerNetOptions.PurgedTtl"/>.
/// </summary>
public sealed partial class Purger
{
    private readonly PeerNetwork _network;
    private readonly PeerStore _store;
    private readonly AddressRules _rules;
    private readonly PeerNetOptions _options;
    private readonly HashSet<string> _seeds;
    private readonly PeerNetMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the purger of a node.</summary>
    public Purger(PeerNetwork network, PeerStore store, AddressRules rules, NodeIdentity identity, IOptions<PeerNetOptions> options,
        PeerNetMetrics metrics, TimeProvider time, ILogger<Purger> logger)
    {
        _time = time;
        _metrics = metrics;
        _network = network;
        _store = store;
        _rules = rules;
        _options = options.Value;
        _seeds = new HashSet<string>(identity.Seeds.Select(s => s.Value), StringComparer.Ordinal);
        _logger = logger;
    }

    /// <summary>One purge round; returns the addresses it removed.</summary>
    public async Task<IReadOnlyList<string>> RunOnceAsync(CancellationToken cancellationToken)
    {
        // Uniform over the whole table: dead addresses gather in the new table, which dial samples favour less.
        var sample = await _store.SampleUniformAsync(_options.PurgeSample, cancellationToken).ConfigureAwait(false);
        var parsed = new List<PeerAddress>(sample.Count);
        foreach (var text in sample)
        {
            if (_rules.TryParse(text, out var address, out _))
                parsed.Add(address);
        }
        var counters = await _store.GetConnectionCountsAsync(parsed, cancellationToken).ConfigureAwait(false);
        var open = _network.OpenAddresses();
        var dead = new List<PeerAddress>();
        var now = _time.GetUtcNow();
        foreach (var address in parsed)
        {
            if (!counters.TryGetValue(address.Value, out var c) || !PurgePolicy.IsDead(c, now, _options))
                continue;
            if (open.Contains(address.Value))
                Log.Kept(_logger, address.Value, c.Ok, c.Fail, "connected right now");
            else if (_seeds.Contains(address.Value))
                Log.Kept(_logger, address.Value, c.Ok, c.Fail, "a configured seed");
            else
            {
                dead.Add(address);
                Log.Purging(_logger, address.Value, c.Ok, c.Fail);
            }
        }
        if (dead.Count > 0)
        {
            await _store.PurgeAsync(dead, cancellationToken).ConfigureAwait(false);
            _metrics.Purged(dead.Count);
        }
        return dead.ConvertAll(a => a.Value);
    }

    private static partial class Log
    {
        // Event ids 440-459 belong to purge. Next free: 442.
        [LoggerMessage(440, LogLevel.Debug, "Purge: removing {Address} (connections ok {Ok}, failed {Fail})")]
        public static partial void Purging(ILogger logger, string address, long ok, long fail);

        [LoggerMessage(441, LogLevel.Debug, "Purge: keeping {Address} (connections ok {Ok}, failed {Fail}): {Reason}")]
        public static partial void Kept(ILogger logger, string address, long ok, long fail, string reason);
    }
}
