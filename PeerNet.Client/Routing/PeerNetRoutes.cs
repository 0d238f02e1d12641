namespace PeerNet.Client;

/// <summary>
/// Every endpoint the client calls, in one table: the client builds its requests from these, and a test compares
/// <see cref="All"/> with the node's OpenAPI document, so an endpoint the host adds must join the client (or the
/// suite fails).
/// </summary>
public static class PeerNetRoutes
{
    /// <summary>This node: id, version, addresses, counts.</summary>
    public static readonly PeerNetRoute Node = new("GET", "/api/node");

    /// <summary>Run a census of the network.</summary>
    public static readonly PeerNetRoute Census = new("GET", "/api/census");

    /// <summary>Known addresses, one page at a time.</summary>
    public static readonly PeerNetRoute ListNodes = new("GET", "/api/nodes");

    /// <summary>Save addresses.</summary>
    public static readonly PeerNetRoute SaveNodes = new("POST", "/api/nodes");

    /// <summary>Remove addresses.</summary>
    public static readonly PeerNetRoute RemoveNodes = new("DELETE", "/api/nodes");

    /// <summary>A sample of recently verified addresses.</summary>
    public static readonly PeerNetRoute SampleNodes = new("GET", "/api/nodes/sample");

    /// <summary>Connection statistics of one address.</summary>
    public static readonly PeerNetRoute NodeStats = new("GET", "/api/nodes/stats");

    /// <summary>Handshaken peers.</summary>
    public static readonly PeerNetRoute ListConnections = new("GET", "/api/connections");

    /// <summary>Dial an address.</summary>
    public static readonly PeerNetRoute Connect = new("POST", "/api/connections");

    /// <summary>Close a connection.</summary>
    public static readonly PeerNetRoute Disconnect = new("DELETE", "/api/connections");

    /// <summary>Announce a message; replies stream back as Server-Sent Events.</summary>
    public static readonly PeerNetRoute Announce = new("POST", "/api/announce");

    /// <summary>The delivery report of a reported announce.</summary>
    public static readonly PeerNetRoute DeliveryReport = new("GET", "/api/announces/{id}");

    /// <summary>The stream of requests this node receives (Server-Sent Events).</summary>
    public static readonly PeerNetRoute SubscribeRequests = new("GET", "/api/requests");

    /// <summary>Answer a request by its handle.</summary>
    public static readonly PeerNetRoute Reply = new("POST", "/api/requests/{handle}/reply");

    /// <summary>The dashboard's snapshot.</summary>
    public static readonly PeerNetRoute Dashboard = new("GET", "/api/dashboard");

    /// <summary>The dashboard's snapshot once a second (Server-Sent Events).</summary>
    public static readonly PeerNetRoute DashboardEvents = new("GET", "/api/dashboard/events");

    /// <summary>Liveness.</summary>
    public static readonly PeerNetRoute Liveness = new("GET", "/healthz");

    /// <summary>Readiness.</summary>
    public static readonly PeerNetRoute Readiness = new("GET", "/readyz");

    /// <summary>This node's topic registrations.</summary>
    public static readonly PeerNetRoute ListTopics = new("GET", "/api/topics");

    /// <summary>Add or renew addresses in a topic on this node.</summary>
    public static readonly PeerNetRoute JoinTopic = new("PUT", "/api/topics/{topic}/members");

    /// <summary>Remove addresses from a topic on this node.</summary>
    public static readonly PeerNetRoute LeaveTopic = new("DELETE", "/api/topics/{topic}/members");

    /// <summary>Find a topic's members in the network (JSON, or Server-Sent Events as they arrive).</summary>
    public static readonly PeerNetRoute FindTopicPeers = new("GET", "/api/topics/{topic}/peers");

    /// <summary>Every route above.</summary>
    public static IReadOnlyList<PeerNetRoute> All { get; } =
    [
        Node, Census,
        ListNodes, SaveNodes, RemoveNodes, SampleNodes, NodeStats,
        ListConnections, Connect, Disconnect,
        Announce, DeliveryReport,
        SubscribeRequests, Reply,
        Dashboard, DashboardEvents,
        Liveness, Readiness,
        ListTopics, JoinTopic, LeaveTopic, FindTopicPeers,
    ];
}
