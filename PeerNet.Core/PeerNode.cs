using System.Reflection;
using System.Runtime.CompilerServices;
using PeerNet.Addressing;
using PeerNet.Gossip.Announcing;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Storage;
using PeerNet.Transport;

namespace PeerNet;

/// <summary>
/// The library facade of a PeerNet node: the original peernet's methods as idiomatic async C#.
/// Register with <see cref="PeerNetServiceCollectionExtensions.AddPeerNet"/>; the PeerNet hosted service starts it.
/// </summary>
public sealed class PeerNode
{
    private readonly PeerStore _store;
    private readonly PeerNetwork _network;
    private readonly AddressRules _rules;
    private readonly AnnounceRouter _announces;
    private readonly RequestHub _requests;
    private readonly Gossip.Census.CensusService _census;
    private readonly DeliveryReports _reports;
    private readonly VerifiedSampleCache _verified;
    private volatile bool _running;
    private volatile StrongBox<DateTimeOffset>? _startedAt; // a reference: read whole from any thread

    /// <summary>How recent a successful connection must be for <see cref="SampleVerifiedAsync"/> to count an address as verified.</summary>
    public static readonly TimeSpan VerifiedWithin = TimeSpan.FromHours(1);

    /// <summary>Creates the node facade.</summary>
    public PeerNode(NodeIdentity identity, PeerStore store, PeerNetwork network, AddressRules rules, AnnounceRouter announces, RequestHub requests,
        Gossip.Census.CensusService census, DeliveryReports reports, TimeProvider time, RandomSource random, Topics.TopicService topics)
    {
        Topics = topics;
        _census = census;
        _reports = reports;
        _verified = new VerifiedSampleCache(store, time, random);
        _store = store;
        _network = network;
        _rules = rules;
        _announces = announces;
        _requests = requests;
        NodeId = identity.Id;
        Id = identity.Id.ToString();
        AdvertisedAddresses = identity.AdvertisedAddresses;
    }

    /// <summary>Topics (subnets): join a topic with the application's own addresses, find the members registered anywhere in the network.</summary>
    public Topics.TopicService Topics { get; }

    /// <summary>This node's id, 32 lowercase hex characters; the hash of the node's key, the same after every restart.</summary>
    public string Id { get; }

    /// <summary>This node's id.</summary>
    public NodeId NodeId { get; }

    /// <summary>PeerNet's version.</summary>
    public static string Version { get; } =
        typeof(PeerNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>This node's own addresses (<see cref="PeerNetOptions.Advertise"/>), normalized.</summary>
    public IReadOnlyList<string> AdvertisedAddresses { get; }

    /// <summary>Handshaken peer connections right now.</summary>
    public int ConnectionCount => _network.Count;

    /// <summary>The connections (the engine's and tests' way in; the host calls the facade only).</summary>
    internal PeerNetwork Network => _network;

    /// <summary>True while the node runs (after start, before shutdown).</summary>
    public bool IsRunning => _running && _store.IsReady;

    /// <summary>How many addresses the store knows.</summary>
    public long KnownCount => _store.Count;

    /// <summary>
    /// How many removed addresses the store holds tombstones of (node exchange does not learn them again for
    /// <see cref="PeerNetOptions.RemovedTtl"/>; expired tombstones are deleted at start and hourly).
    /// </summary>
    public long RemovedCount => _store.RemovedCount;

    /// <summary>When this node started (its store opened and seeds were saved); null before that.</summary>
    public DateTimeOffset? StartedAt => _startedAt?.Value;

    /// <summary>This node's address rules (built-in schemes plus those of registered transports).</summary>
    public AddressRules AddressRules => _rules;

    /// <summary>The underlying store (the engine's and tests' way in; the host calls the facade only).</summary>
    internal PeerStore Store => _store;

    /// <summary>
    /// Saves addresses (the original's <c>save(nodes)</c>): validated and normalized first; a batch with any invalid
    /// address is rejected whole. Completes once committed and returns how many were new.
    /// </summary>
    /// <exception cref="InvalidPeerAddressException">Some addresses are invalid; nothing was saved.</exception>
    public Task<int> SaveAsync(IEnumerable<string> addresses, CancellationToken cancellationToken = default) =>
        _store.SaveAsync(_rules.ParseAll(addresses, nameof(addresses)), cancellationToken);

    /// <summary>As <see cref="SaveAsync(IEnumerable{string}, CancellationToken)"/>, for addresses already parsed by <see cref="AddressRules"/>.</summary>
    public Task<int> SaveAsync(IReadOnlyList<PeerAddress> addresses, CancellationToken cancellationToken = default) =>
        _store.SaveAsync(addresses, cancellationToken);

    /// <summary>
    /// Removes addresses and their stats (the original's <c>remove(nodes)</c>); node exchange will not learn them again
    /// for <see cref="PeerNetOptions.RemovedTtl"/>. Completes once committed and returns how many were known.
    /// </summary>
    /// <exception cref="InvalidPeerAddressException">Some addresses are invalid; nothing was removed.</exception>
    public Task<int> RemoveAsync(IEnumerable<string> addresses, CancellationToken cancellationToken = default) =>
        _store.RemoveAsync(_rules.ParseAll(addresses, nameof(addresses)), cancellationToken);

    /// <summary>As <see cref="RemoveAsync(IEnumerable{string}, CancellationToken)"/>, for addresses already parsed by <see cref="AddressRules"/>.</summary>
    public Task<int> RemoveAsync(IReadOnlyList<PeerAddress> addresses, CancellationToken cancellationToken = default) =>
        _store.RemoveAsync(addresses, cancellationToken);

    /// <summary>Streams every known address (the original's <c>known()</c>).</summary>
    public IAsyncEnumerable<string> KnownAsync(CancellationToken cancellationToken = default) => _store.KnownAsync(cancellationToken);

    /// <summary>One page of known addresses; pass the previous page's <see cref="NodePage.Next"/> to continue.</summary>
    public Task<NodePage> ListKnownAsync(int limit, string? after = null, CancellationToken cancellationToken = default) =>
        _store.ListAsync(limit, after, cancellationToken);

    /// <summary>Up to <paramref name="count"/> random known addresses.</summary>
    public Task<IReadOnlyList<string>> SampleAsync(int count, CancellationToken cancellationToken = default) =>
        _store.SampleAsync(count, cancellationToken);

    /// <summary>
    /// Up to <paramref name="count"/> random known addresses this node connected to successfully within
    /// <see cref="VerifiedWithin"/>, for HTTP bootstrap (<c>GET /api/nodes/sample</c>). One sample is drawn per
    /// <see cref="PeerNetLimits.SampleWindow"/>: every call within it gets the first <paramref name="count"/> of the same one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not between 1 and <see cref="PeerNetLimits.MaxSampleSize"/>.</exception>
    public Task<IReadOnlyList<string>> SampleVerifiedAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, PeerNetLimits.MaxSampleSize);
        return _verified.GetAsync(count, cancellationToken);
    }

    /// <summary>Connection statistics of an address (the original's <c>getStats(addr)</c>); null when it is neither known nor counted.</summary>
    /// <exception cref="InvalidPeerAddressException">The address is invalid.</exception>
    public Task<PeerStats?> GetStatsAsync(string address, CancellationToken cancellationToken = default) =>
        GetStatsAsync(_rules.Parse(address, nameof(address)), cancellationToken);

    /// <summary>As <see cref="GetStatsAsync(string, CancellationToken)"/>, for an address already parsed by <see cref="AddressRules"/>.</summary>
    public Task<PeerStats?> GetStatsAsync(PeerAddress address, CancellationToken cancellationToken = default) =>
        _store.GetStatsAsync(address, cancellationToken);

    /// <summary>
    /// Connects to a peer (the original's <c>connect(addr)</c>) and completes once the handshake has; returns the peer.
    /// </summary>
    /// <exception cref="InvalidPeerAddressException">The address is invalid.</exception>
    /// <exception cref="PeerConnectException">The connection or handshake failed; <see cref="PeerConnectException.Failure"/> and the message say why.</exception>
    public Task<PeerInfo> ConnectAsync(string address, CancellationToken cancellationToken = default) =>
        ConnectAsync(_rules.Parse(address, nameof(address)), cancellationToken);

    /// <summary>As <see cref="ConnectAsync(string, CancellationToken)"/>, for an address already parsed by <see cref="AddressRules"/>.</summary>
    /// <exception cref="PeerConnectException">The connection or handshake failed.</exception>
    public async Task<PeerInfo> ConnectAsync(PeerAddress address, CancellationToken cancellationToken = default)
    {
        var peer = await _network.ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        return peer.Describe();
    }

    /// <summary>Closes the connection to <paramref name="address"/> (the original's <c>disconnect(addr)</c>); false when not connected.</summary>
    /// <exception cref="InvalidPeerAddressException">The address is invalid.</exception>
    public Task<bool> DisconnectAsync(string address) =>
        DisconnectAsync(_rules.Parse(address, nameof(address)));

    /// <summary>As <see cref="DisconnectAsync(string)"/>, for an address already parsed by <see cref="AddressRules"/>.</summary>
    public Task<bool> DisconnectAsync(PeerAddress address) => _network.DisconnectAsync(address);

    /// <summary>Closes the connection to the peer with node id <paramref name="peerId"/> (32 hex characters); false when not connected.</summary>
    /// <exception cref="ArgumentException">The id is not 32 hex characters.</exception>
    public Task<bool> DisconnectPeerAsync(string peerId) =>
        NodeId.TryParse(peerId, out var id)
            ? _network.DisconnectAsync(id)
            : throw new ArgumentException("A peer id is 32 hex characters.", nameof(peerId));

    /// <summary>The handshaken peers (the original's <c>connections()</c>): addresses for outbound, node ids for inbound.</summary>
    public IReadOnlyList<PeerInfo> Connections() => _network.Connections();

    /// <summary>The handshaken peers, oldest first, each with its connection's traffic so far (frames and bytes both ways, drops).</summary>
    public IReadOnlyList<PeerTraffic> ConnectionTraffic() => [.. _network.Peers.Select(p => p.DescribeTraffic())];

    /// <summary>
    /// Runs a peer connection that arrived some other way (the original's <c>createStream()</c>): any connected
    /// duplex pipe, such as a socket in the user's own server. Completes when the connection closes.
    /// </summary>
    public Task AcceptAsync(System.IO.Pipelines.IDuplexPipe pipe, System.Net.EndPoint? remoteEndPoint = null, CancellationToken cancellationToken = default) =>
        _network.RunInboundAsync(new DuplexPipeConnection(pipe, "stream", remoteEndPoint), cancellationToken);

    /// <summary>As <see cref="AcceptAsync(System.IO.Pipelines.IDuplexPipe, System.Net.EndPoint?, CancellationToken)"/>, over a <see cref="Stream"/>.</summary>
    public Task AcceptAsync(Stream stream, System.Net.EndPoint? remoteEndPoint = null, CancellationToken cancellationToken = default) =>
        _network.RunInboundAsync(new StreamConnection(stream, "stream", remoteEndPoint), cancellationToken);

    /// <summary>Runs an accepted connection of any transport until it closes.</summary>
    public Task AcceptAsync(PeerConnection connection, CancellationToken cancellationToken = default) =>
        _network.RunInboundAsync(connection, cancellationToken);

    /// <summary>
    /// Announces a message to the network (the original's <c>announce(opts)</c>) and streams the answers as they
    /// arrive. The announce goes out when enumeration starts; the stream ends once <paramref name="timeout"/> has
    /// passed (when given) and throws <see cref="OperationCanceledException"/> when the caller cancels.
    /// </summary>
    /// <exception cref="ArgumentException">A field breaks a limit (id and type at most 64 bytes, data 1024, hops within MaxHops and below limit); the message names it.</exception>
    public IAsyncEnumerable<AnnounceResponse> AnnounceAsync(AnnounceMessage message, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _announces.AnnounceAsync(message, timeout, cancellationToken);

    /// <summary>
    /// Subscribes to the announce requests this node receives (the original's <c>request</c> and
    /// <c>request:TYPE</c> events), of <paramref name="type"/> only when given. Registered when this returns; each
    /// subscriber has its own bounded buffer (a slow one loses requests, counted in <see cref="RequestSubscription.Dropped"/>).
    /// </summary>
    public RequestSubscription SubscribeRequests(string? type = null) => _requests.Subscribe(type);

    /// <summary>Streams the announce requests this node receives (of <paramref name="type"/> only, when given) until cancelled.</summary>
    public async IAsyncEnumerable<IncomingRequest> RequestsAsync(string? type = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var subscription = _requests.Subscribe(type);
        await foreach (var request in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return request;
    }

    /// <summary>Raised for every announce request this node receives, on the router's loop: handlers must return quickly.</summary>
    public event Action<IncomingRequest>? RequestReceived
    {
        add => _requests.RequestReceived += value;
        remove => _requests.RequestReceived -= value;
    }

    /// <summary>The announce router (the engine's and tests' way in; the host calls the facade only).</summary>
    internal AnnounceRouter Announces => _announces;

    /// <summary>
    /// Runs a census of the network (<see cref="Gossip.Census.CensusService"/>): every PeerNet node's id, version and
    /// peers, gathered for <paramref name="timeout"/>; original nodes appear as the peers PeerNet nodes listed.
    /// </summary>
    /// <exception cref="InvalidOperationException">Censuses are off on this node (<see cref="PeerNetOptions.Census"/>).</exception>
    public Task<IReadOnlyList<Gossip.Census.CensusNode>> CensusAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _census.RunAsync(timeout, cancellationToken);

    /// <summary>
    /// The delivery report of own announce <paramref name="id"/> (lowercase hex) that asked for one
    /// (<see cref="AnnounceMessage.Report"/>), while it runs and for 10 minutes after; null when unknown.
    /// </summary>
    public DeliveryReport? GetDeliveryReport(string id) => _reports.Find(id.ToLowerInvariant());

    /// <summary>How many nodes the last census this node ran found (itself included); null before the first.</summary>
    public int? LastCensusSize => _census.LastSize;

    /// <summary>True when this node takes part in censuses.</summary>
    public bool CensusEnabled => _census.IsEnabled;

    internal void MarkRunning(bool running, DateTimeOffset? at = null)
    {
        if (running && at is { } started)
            _startedAt = new StrongBox<DateTimeOffset>(started);
        _running = running;
    }
}
