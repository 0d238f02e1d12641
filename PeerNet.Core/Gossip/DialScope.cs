using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Gossip.Seeds;

namespace PeerNet.Gossip;

/// <summary>
/// The scope check again at dial time, for addresses learned from gossip (threat M2): a learned DNS name is resolved
/// (through <see cref="ISeedResolver"/>, within <see cref="PeerNetOptions.SeedResolveTimeout"/>) and every IP it gives
/// must pass <see cref="AddressScope"/>, so a name cannot aim the node at its host's loopback, metadata service or
/// (when <see cref="PeerNetOptions.GossipPrivateAddresses"/> refuses them) private networks. In Auto, advertised DNS
/// names are resolved too (once, when one answers): a name resolving to a global IP makes this a public node.
/// </summary>
public sealed partial class DialScope
{
    private readonly NodeIdentity _identity;
    private readonly ISeedResolver _resolver;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PeerAddress[] _advertisedNames;
    private AddressScope? _resolved; // Auto with advertised names: the scope once one of them answered

    /// <summary>Creates the dial-time scope of a node.</summary>
    public DialScope(NodeIdentity identity, ISeedResolver resolver, IOptions<PeerNetOptions> options, TimeProvider time, ILogger<DialScope> logger)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        _identity = identity;
        _resolver = resolver;
        _timeout = TimeSpan.FromMilliseconds(options.Value.SeedResolveTimeout);
        _time = time;
        _logger = logger;
        _advertisedNames = identity.PrivatePolicy == PrivateAddressPolicy.Auto && !identity.Scope.RefusesPrivate
            ? [.. identity.Advertised.Where(a => !AddressScope.TryGetIp(a, out _) && !AddressScope.IsLoopback(a))]
            : [];
    }

    /// <summary>
    /// Null when the learned <paramref name="address"/> may be dialled now, else the metric tag (scope, unresolved)
    /// and why not. Its name's answer is judged whole: one IP out of scope refuses it (loopback included).
    /// </summary>
    public async Task<(string Tag, string Reason)?> RefusalAsync(PeerAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        // Loopback written as such (127.x, ::1, localhost) passed the learn-time check (which allows it only on a
        // node advertising loopback: a local test network), so it is left to learning. Other literals are checked
        // again (the private ranges may be refused now), and names resolved: learning could not judge them.
        if (AddressScope.IsLoopback(address))
            return null;
        var scope = await ScopeAsync(cancellationToken).ConfigureAwait(false);
        if (AddressScope.TryGetIp(address, out var literal))
            return scope.Refusal(literal) is { } refusal ? ("scope", refusal) : null;
        var host = address.Host.TrimEnd('.');
        IReadOnlyList<IPAddress> ips;
        try
        {
            ips = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ("unresolved", $"its name {host} did not resolve ({ex.GetType().Name}): nothing to check, so nothing is dialled");
        }
        if (ips.Count == 0)
            return ("unresolved", $"its name {host} has no addresses");
        foreach (var ip in ips)
        {
            if (scope.Refusal(ip) is { } outOfScope)
                return ("scope", $"its name {host} resolves to {ip}: {outOfScope}");
        }
        return null;
    }

    /// <summary>The identity's scope; in Auto with advertised names, refusing private ranges once one resolves to a global IP.</summary>
    private async Task<AddressScope> ScopeAsync(CancellationToken cancellationToken)
    {
        if (_advertisedNames.Length == 0)
            return _identity.Scope;
        if (Volatile.Read(ref _resolved) is { } known)
            return known;
        foreach (var name in _advertisedNames)
        {
            try
            {
                var ips = await ResolveAsync(name.Host.TrimEnd('.'), cancellationToken).ConfigureAwait(false);
                if (ips.Count == 0)
                    continue;
                // Answered: decided for this run (a failed lookup is tried again at the next dial).
                var scope = AddressScope.For(_identity.Advertised, PrivateAddressPolicy.Auto, ips.Any(AddressScope.IsGlobal));
                Volatile.Write(ref _resolved, scope);
                Log.AdvertisedResolved(_logger, name.Host, scope.RefusesPrivate);
                return scope;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.AdvertisedUnresolved(_logger, name.Host, ex.Message);
            }
        }
        return _identity.Scope;
    }

    private Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken) =>
        _resolver.ResolveAddressesAsync(host, cancellationToken).WaitAsync(_timeout, _time, cancellationToken);

    private static partial class Log
    {
        // Event ids 410-419 (of bootstrap's 400-419) belong to the dial scope. Next free: 412.
        [LoggerMessage(410, LogLevel.Debug, "Advertised name {Host} resolved: private addresses from gossip are {Verdict:refused;;allowed}")]
        public static partial void AdvertisedResolved(ILogger logger, string host, bool verdict);

        [LoggerMessage(411, LogLevel.Debug, "Advertised name {Host} did not resolve ({Reason}); private addresses from gossip judged by the advertised IPs")]
        public static partial void AdvertisedUnresolved(ILogger logger, string host, string reason);
    }
}
