using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;

namespace PeerNet.Gossip.Seeds;

/// <summary>
/// Turns the seeds that are DNS names into addresses to dial, afresh at every bootstrap round (never only at start, so
/// a Kubernetes headless service works as a seed list): a Host seed gives one address per A/AAAA record (scheme, port,
/// path and query kept), an SRV seed one per SRV target's address and port. Each lookup has
/// <see cref="PeerNetOptions.SeedResolveTimeout"/>; a failure is logged at Debug and counted
/// (<c>peernet.seeds.resolutions{result=failed, reason}</c>) and never fails the round. Resolved IPs pass the gossip
/// scope of learned addresses (<see cref="AddressScope"/>): never link-local, multicast, broadcast or unspecified,
/// loopback only when this node advertises a loopback address, so a DNS name cannot aim the node at its own host's
/// networks. At most <see cref="PeerNetLimits.MaxSeedAddresses"/> addresses per round.
/// </summary>
public sealed partial class SeedExpander
{
    private readonly ISeedResolver _resolver;
    private readonly AddressRules _rules;
    private readonly AddressScope _scope;
    private readonly HashSet<string> _own;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly PeerNetMetrics _metrics;
    private readonly LimitBound _bound;
    private readonly ILogger _logger;

    /// <summary>Creates the seed expander of a node.</summary>
    public SeedExpander(NodeIdentity identity, ISeedResolver resolver, AddressRules rules, IOptions<PeerNetOptions> options,
        TimeProvider time, PeerNetMetrics metrics, PeerNetLimits limits, ILogger<SeedExpander> logger)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limits);
        Seeds = identity.ResolvedSeeds;
        _resolver = resolver;
        _rules = rules;
        _scope = AddressScope.For(identity.Advertised);
        _own = new HashSet<string>(identity.AdvertisedAddresses, StringComparer.Ordinal);
        _timeout = TimeSpan.FromMilliseconds(options.Value.SeedResolveTimeout);
        _time = time;
        _metrics = metrics;
        _bound = limits.SeedAddresses;
        _logger = logger;
    }

    /// <summary>The seeds resolved at every round (Host and Service kinds).</summary>
    public IReadOnlyList<SeedSpec> Seeds { get; }

    /// <summary>Resolves every seed now and returns the distinct addresses they give, in seed order; empty without DNS seeds.</summary>
    public async Task<IReadOnlyList<PeerAddress>> ExpandAsync(CancellationToken cancellationToken)
    {
        if (Seeds.Count == 0)
            return [];
        var perSeed = await Task.WhenAll(Seeds.Select(s => ExpandAsync(s, cancellationToken))).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new List<PeerAddress>();
        foreach (var address in perSeed.SelectMany(a => a))
        {
            if (!seen.Add(address.Value))
                continue;
            if (addresses.Count >= _bound.Capacity)
            {
                _bound.Hit();
                Log.TooMany(_logger, _bound.Capacity);
                break;
            }
            addresses.Add(address);
        }
        return addresses;
    }

    private async Task<List<PeerAddress>> ExpandAsync(SeedSpec seed, CancellationToken cancellationToken)
    {
        if (seed.Kind == SeedKind.Host)
        {
            var ips = await LookupAsync(seed, seed.Name, "A/AAAA", t => _resolver.ResolveAddressesAsync(seed.Name, t), cancellationToken).ConfigureAwait(false);
            return Candidates(seed, ips, port: 0);
        }

        var records = await LookupAsync(seed, seed.Name, "SRV", t => _resolver.ResolveServiceAsync(seed.Name, t), cancellationToken).ConfigureAwait(false);
        var targets = new List<SrvTarget>();
        foreach (var record in records.OrderBy(r => r.Priority).ThenByDescending(r => r.Weight))
        {
            // "." is RFC 2782's "no service here"; a port out of range cannot be dialled.
            if (string.IsNullOrEmpty(record.Host) || record.Host == "." || record.Port is < 1 or > 65535)
            {
                _metrics.SeedAddressRefused("invalid");
                Log.BadRecord(_logger, seed.Text, record.Host, record.Port);
                continue;
            }
            if (targets.Count < _bound.Capacity)
                targets.Add(record);
        }
        var perTarget = await Task.WhenAll(targets.Select(async target =>
        {
            IReadOnlyList<IPAddress> ips = IPAddress.TryParse(target.Host, out var literal)
                ? [literal] // not what RFC 2782 asks for, but unambiguous
                : await LookupAsync(seed, target.Host, "A/AAAA", t => _resolver.ResolveAddressesAsync(target.Host, t), cancellationToken).ConfigureAwait(false);
            return Candidates(seed, ips, target.Port);
        })).ConfigureAwait(false);
        return perTarget.SelectMany(a => a).ToList();
    }

    /// <summary>One lookup within the timeout; a failure or an empty answer is logged and counted, and gives nothing.</summary>
    private async Task<IReadOnlyList<T>> LookupAsync<T>(SeedSpec seed, string name, string kind,
        Func<CancellationToken, Task<IReadOnlyList<T>>> lookup, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        string reason;
        string detail;
        try
        {
            // WaitAsync: a resolver that ignores its token still cannot hold the round past the timeout.
            var answer = await lookup(linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            if (answer.Count > 0)
            {
                _metrics.SeedResolution(failure: null);
                Log.Resolved(_logger, kind, name, seed.Text, answer.Count);
                return answer;
            }
            (reason, detail) = ("not_found", "no records");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            (reason, detail) = ("timeout", $"no answer within {_timeout.TotalMilliseconds} ms");
        }
        catch (Exception ex)
        {
            (reason, detail) = ("error", ex.Message);
        }
        _metrics.SeedResolution(reason);
        Log.ResolveFailed(_logger, kind, name, seed.Text, reason, detail);
        return [];
    }

    private List<PeerAddress> Candidates(SeedSpec seed, IReadOnlyList<IPAddress> ips, int port)
    {
        var candidates = new List<PeerAddress>(ips.Count);
        foreach (var ip in ips)
        {
            if (_scope.Refusal(ip) is { } why)
            {
                _metrics.SeedAddressRefused("scope");
                Log.Refused(_logger, ip.ToString(), seed.Text, why);
                continue;
            }
            var text = seed.CandidateFor(ip, port);
            if (!_rules.TryParse(text, out var address, out var error))
            {
                _metrics.SeedAddressRefused("invalid");
                Log.Refused(_logger, text, seed.Text, error);
                continue;
            }
            if (_own.Contains(address.Value))
            {
                Log.Refused(_logger, address.Value, seed.Text, "one of this node's own advertised addresses");
                continue;
            }
            candidates.Add(address);
        }
        return candidates;
    }

    private static partial class Log
    {
        // Event ids 480-499 belong to seed resolution. Next free: 485.
        [LoggerMessage(480, LogLevel.Debug, "Seeds: {Kind} lookup of {Name} (seed {Seed}) gave {Count} records")]
        public static partial void Resolved(ILogger logger, string kind, string name, string seed, int count);

        [LoggerMessage(481, LogLevel.Debug, "Seeds: {Kind} lookup of {Name} (seed {Seed}) failed ({Reason}): {Detail}; bootstrap goes on")]
        public static partial void ResolveFailed(ILogger logger, string kind, string name, string seed, string reason, string detail);

        [LoggerMessage(482, LogLevel.Debug, "Seeds: {Address} from seed {Seed} is not dialled: {Reason}")]
        public static partial void Refused(ILogger logger, string address, string seed, string reason);

        [LoggerMessage(483, LogLevel.Debug, "Seeds: SRV record {Target}:{Port} of seed {Seed} cannot be dialled")]
        public static partial void BadRecord(ILogger logger, string seed, string target, int port);

        [LoggerMessage(484, LogLevel.Debug, "Seeds: the seeds resolved to more than {Max} addresses; the rest are left out of this round")]
        public static partial void TooMany(ILogger logger, long max);
    }
}
