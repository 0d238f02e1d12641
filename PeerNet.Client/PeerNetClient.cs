using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>
/// A typed client for the REST API of one PeerNet node, one sub-client per endpoint group. Every call is async and
/// takes a cancellation token; error answers throw <see cref="PeerNetApiException"/>; streams are
/// <see cref="IAsyncEnumerable{T}"/>. The routes it calls are listed in <see cref="PeerNetRoutes"/>.
/// </summary>
public sealed class PeerNetClient : IDisposable
{
    /// <summary>The header that carries the node's API key on writes.</summary>
    public const string ApiKeyHeader = ApiChannel.ApiKeyHeader;

    private readonly HttpClient? _owned;

    /// <summary>
    /// A client over <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the node's URL (end a URL
    /// with a path in '/': requests are relative to it). <paramref name="apiKey"/>, when given, goes with every
    /// request as <c>X-Api-Key</c>. The caller keeps ownership of <paramref name="http"/>.
    /// </summary>
    public PeerNetClient(HttpClient http, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
            throw new ArgumentException("The HttpClient needs a BaseAddress: the node's URL, such as http://127.0.0.1:8080/.", nameof(http));
        var api = new ApiChannel(http, string.IsNullOrEmpty(apiKey) ? null : apiKey);
        Node = new NodeClient(api);
        Nodes = new NodesClient(api);
        Connections = new ConnectionsClient(api);
        Announces = new AnnouncesClient(api);
        Requests = new RequestsClient(api);
        Health = new HealthClient(api);
        Dashboard = new DashboardClient(api);
        Topics = new TopicsClient(api);
    }

    /// <summary>
    /// A client of the node at <paramref name="baseAddress"/> (such as <c>http://127.0.0.1:8080</c>) with its own
    /// HttpClient, disposed with this client. Streams are not cut by the HttpClient's timeout (it covers only
    /// until an answer's headers arrive).
    /// </summary>
    public PeerNetClient(Uri baseAddress, string? apiKey = null)
        : this(Own(baseAddress, out var owned), apiKey) => _owned = owned;

    /// <summary>The node itself and its census.</summary>
    public NodeClient Node { get; }

    /// <summary>Known addresses: list, save, remove, sample, stats.</summary>
    public NodesClient Nodes { get; }

    /// <summary>Handshaken peers: list, connect, disconnect.</summary>
    public ConnectionsClient Connections { get; }

    /// <summary>Announces and their replies; delivery reports.</summary>
    public AnnouncesClient Announces { get; }

    /// <summary>For sidecars: the request stream and replies.</summary>
    public RequestsClient Requests { get; }

    /// <summary>Liveness and readiness.</summary>
    public HealthClient Health { get; }

    /// <summary>The dashboard's snapshots.</summary>
    public DashboardClient Dashboard { get; }

    /// <summary>Topics: join, renew, leave, list, find members.</summary>
    public TopicsClient Topics { get; }

    /// <inheritdoc />
    public void Dispose() => _owned?.Dispose();

    private static HttpClient Own(Uri baseAddress, out HttpClient owned)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri || baseAddress.Scheme is not ("http" or "https"))
            throw new ArgumentException($"'{baseAddress}' is not an http:// or https:// URL.", nameof(baseAddress));
        var withSlash = baseAddress.AbsolutePath.EndsWith('/') ? baseAddress : new Uri(baseAddress + "/");
        owned = new HttpClient { BaseAddress = withSlash };
        return owned;
    }
}
