using System.Reflection;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Storage;

namespace PeerNet;

/// <summary>
/// The library facade of a PeerNet node: the original peernet's methods as idiomatic async C#.
/// Register with <see cref="PeerNetServiceCollectionExtensions.AddPeerNet"/>; the PeerNet hosted service starts it.
/// </summary>
public sealed class PeerNode
{
    /// <summary>Length of a node id in bytes (the <c>_hello</c> handshake's id).</summary>
    public const int IdLength = 16;

    private readonly PeerStore _store;
    private readonly byte[] _id = new byte[IdLength];
    private volatile bool _running;

    /// <summary>Creates the node with a fresh random id.</summary>
    public PeerNode(PeerStore store, IOptions<PeerNetOptions> options, RandomSource random)
    {
        _store = store;
        random.NextBytes(_id);
        Id = Convert.ToHexStringLower(_id);
        AdvertisedAddresses = options.Value.Advertise.Select(a => PeerAddress.Parse(a).Value).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>This node's id for this run, 32 lowercase hex characters; new at every start.</summary>
    public string Id { get; }

    /// <summary>This node's id as bytes.</summary>
    public ReadOnlyMemory<byte> IdBytes => _id;

    /// <summary>PeerNet's version.</summary>
    public static string Version { get; } =
        typeof(PeerNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>This node's own addresses (<see cref="PeerNetOptions.Advertise"/>), normalized.</summary>
    public IReadOnlyList<string> AdvertisedAddresses { get; }

    /// <summary>True while the node runs (after start, before shutdown).</summary>
    public bool IsRunning => _running && _store.IsReady;

    /// <summary>How many addresses the store knows.</summary>
    public long KnownCount => _store.Count;

    /// <summary>The underlying store, for the engine.</summary>
    public PeerStore Store => _store;

    /// <summary>
    /// Saves addresses (the original's <c>save(nodes)</c>): validated and normalized first; a batch with any invalid
    /// address is rejected whole. Completes once committed and returns how many were new.
    /// </summary>
    /// <exception cref="InvalidPeerAddressException">Some addresses are invalid; nothing was saved.</exception>
    public Task<int> SaveAsync(IEnumerable<string> addresses, CancellationToken cancellationToken = default) =>
        _store.SaveAsync(PeerAddressBatch.ParseAll(addresses, nameof(addresses)), cancellationToken);

    /// <summary>
    /// Removes addresses and their stats (the original's <c>remove(nodes)</c>); node exchange will not learn them again
    /// for <see cref="PeerNetOptions.RemovedTtl"/>. Completes once committed and returns how many were known.
    /// </summary>
    /// <exception cref="InvalidPeerAddressException">Some addresses are invalid; nothing was removed.</exception>
    public Task<int> RemoveAsync(IEnumerable<string> addresses, CancellationToken cancellationToken = default) =>
        _store.RemoveAsync(PeerAddressBatch.ParseAll(addresses, nameof(addresses)), cancellationToken);

    /// <summary>Streams every known address (the original's <c>known()</c>).</summary>
    public IAsyncEnumerable<string> KnownAsync(CancellationToken cancellationToken = default) => _store.KnownAsync(cancellationToken);

    /// <summary>One page of known addresses; pass the previous page's <see cref="NodePage.Next"/> to continue.</summary>
    public Task<NodePage> ListKnownAsync(int limit, string? after = null, CancellationToken cancellationToken = default) =>
        _store.ListAsync(limit, after, cancellationToken);

    /// <summary>Up to <paramref name="count"/> random known addresses.</summary>
    public Task<IReadOnlyList<string>> SampleAsync(int count, CancellationToken cancellationToken = default) =>
        _store.SampleAsync(count, cancellationToken);

    /// <summary>Connection statistics of an address (the original's <c>getStats(addr)</c>); null when it is neither known nor counted.</summary>
    /// <exception cref="InvalidPeerAddressException">The address is invalid.</exception>
    public Task<PeerStats?> GetStatsAsync(string address, CancellationToken cancellationToken = default) =>
        _store.GetStatsAsync(PeerAddressBatch.ParseAll([address], nameof(address))[0], cancellationToken);

    internal void MarkRunning(bool running) => _running = running;
}
