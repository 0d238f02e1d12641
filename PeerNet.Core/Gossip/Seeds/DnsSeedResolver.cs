using System.Net;
using System.Net.Sockets;
using DnsClient;
using Microsoft.Extensions.Options;

namespace PeerNet.Gossip.Seeds;

/// <summary>
/// The default <see cref="ISeedResolver"/>: A/AAAA through the system resolver (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>,
/// so search domains and /etc/hosts apply, as for any other name the node dials); SRV through DnsClient, which asks
/// the name servers of the system's configuration directly (no search domains: an SRV name is written in full).
/// Nothing is cached here: every bootstrap round asks again (the system resolver may cache within the records' TTL).
/// </summary>
public sealed class DnsSeedResolver : ISeedResolver
{
    private readonly Lazy<LookupClient> _client;

    /// <summary>A resolver whose SRV queries give up after <see cref="PeerNetOptions.SeedResolveTimeout"/>.</summary>
    public DnsSeedResolver(IOptions<PeerNetOptions> options)
        : this(options, nameServers: null)
    {
    }

    /// <summary>A resolver whose SRV queries go to <paramref name="nameServers"/> (the system's when null): tests point it at a local server.</summary>
    internal DnsSeedResolver(IOptions<PeerNetOptions> options, IPEndPoint[]? nameServers)
    {
        ArgumentNullException.ThrowIfNull(options);
        var timeout = TimeSpan.FromMilliseconds(options.Value.SeedResolveTimeout);
        // Made on first use: reading the system's name servers costs nothing for a node without SRV seeds.
        _client = new Lazy<LookupClient>(() =>
        {
            var settings = nameServers is null ? new LookupClientOptions() : new LookupClientOptions(nameServers);
            settings.Timeout = timeout;
            settings.Retries = 1;
            settings.UseCache = false;
            settings.ThrowDnsErrors = false;
            return new LookupClient(settings);
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IPAddress>> ResolveAddressesAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            return [];
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SrvTarget>> ResolveServiceAsync(string name, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.Value.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException ex) when (ex.Code == DnsResponseCode.ConnectionTimeout)
        {
            throw new TimeoutException($"no answer to the SRV query for {name}", ex);
        }
        if (response.HasError)
        {
            if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
                return [];
            throw new IOException($"the SRV query for {name} failed: {response.ErrorMessage}");
        }
        return response.Answers.SrvRecords()
            .Select(r => new SrvTarget(r.Target.Value.TrimEnd('.'), r.Port, r.Priority, r.Weight))
            .ToList();
    }
}
