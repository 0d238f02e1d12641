using System.ComponentModel.DataAnnotations;

namespace PeerNet;

/// <summary>
/// Every PeerNet option, bound from the <c>PeerNet</c> configuration section. Names follow the original
/// peernet's options; durations named after the original (Interval, Purge) are milliseconds as there.
/// </summary>
public sealed class PeerNetOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "PeerNet";

    /// <summary>Dial addresses from the store automatically. Default true.</summary>
    public bool Bootstrap { get; set; } = true;

    /// <summary>Milliseconds between node exchanges with each peer; 0 turns node exchange off. Default 5000.</summary>
    [Range(0, 86_400_000)]
    public int Interval { get; set; } = 5000;

    /// <summary>Milliseconds between purges of dead addresses; 0 turns purging off. Default 60000.</summary>
    [Range(0, 86_400_000)]
    public int Purge { get; set; } = 60_000;

    /// <summary>How many stored addresses each purge checks (a random sample, as the original's 10). Default 10.</summary>
    [Range(1, 10_000)]
    public int PurgeSample { get; set; } = 10;

    /// <summary>How many peer connections bootstrap opens and keeps. Default 5.</summary>
    [Range(0, 10_000)]
    public int Connections { get; set; } = 5;

    /// <summary>How many addresses one node exchange asks for. Default 10.</summary>
    [Range(1, 1000)]
    public int Size { get; set; } = 10;

    /// <summary>
    /// How many peers get full copies of an announce. Tree (the default rule): the cap on eager tree links to PeerNet
    /// peers (other PeerNet peers get an IHAVE; original peers always get a copy). RandomFanout: how many random
    /// peers each forwarded request goes to (the original used 3). Default 16.
    /// </summary>
    [Range(1, 64)]
    public int Fanout { get; set; } = 16;

    /// <summary>
    /// The highest hop count a request may carry before it is discarded; only a loop guard (tree paths in large
    /// networks reach about 30 hops; duplicates are caught by id). Default 64.
    /// </summary>
    [Range(1, 255)]
    public int MaxHops { get; set; } = 64;

    /// <summary>How announces spread: Tree (Plumtree: eager tree plus lazy repair, reliable) or RandomFanout (the original's rule). Default Tree.</summary>
    public Gossip.Dissemination.DisseminationRule Dissemination { get; set; } = Gossip.Dissemination.DisseminationRule.Tree;

    /// <summary>
    /// Milliseconds a node waits after hearing of an announce it lacks (an IHAVE) before it asks for it (a GRAFT);
    /// about 16 one-hop latencies. Default 800.
    /// </summary>
    [Range(10, 60_000)]
    public int GraftTimeout { get; set; } = 800;

    /// <summary>
    /// Milliseconds IHAVEs wait (jittered up to twice that) before they go out, gathered per peer into one frame.
    /// They only serve repair, which waits <see cref="GraftTimeout"/> anyway; sent at once they compete with the full
    /// copies on every hop. 0 sends each at once. Default 50.
    /// </summary>
    [Range(0, 10_000)]
    public int IhaveDelay { get; set; } = 50;

    /// <summary>When true, PeerNet's own log categories log at Debug. Default false.</summary>
    public bool Debug { get; set; }

    /// <summary>
    /// The file of the node's Ed25519 key (its node id is derived from it), relative to the content root. Default
    /// none: <c>&lt;database folder&gt;/&lt;database name&gt;.key</c> (data/peernet.key); with an in-memory database and no
    /// file named here, a fresh key (and id) at every start. Created at the first start; a corrupt file stops the start.
    /// </summary>
    public string? IdentityKeyFile { get; set; }

    /// <summary>
    /// When true, only peers that prove their node id in the _hello handshake (PeerNet nodes of hello version 2) are
    /// admitted; original peernet nodes and older PeerNet nodes are refused. Default false.
    /// </summary>
    public bool RequireVerifiedPeers { get; set; }

    /// <summary>
    /// Seed nodes. An IP literal, <c>localhost</c> or a custom transport's address is saved at every start (explicitly,
    /// so it comes back even after a remove). A ws, wss or tcp address whose host is a DNS name is resolved at every
    /// bootstrap round instead, into one address per A/AAAA record; <c>srv+ws://_service._proto.domain/path</c> (or
    /// srv+wss, srv+tcp) into one per SRV target. Default none.
    /// </summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>
    /// Milliseconds one DNS lookup of a seed (A/AAAA or SRV) may take at a bootstrap round before it counts as failed
    /// and the round goes on without it. Default 5000.
    /// </summary>
    [Range(100, 60_000)]
    public int SeedResolveTimeout { get; set; } = 5000;

    /// <summary>This node's own public addresses: offered to peers in node exchange, never stored or listed by known. Default none.</summary>
    public List<string> Advertise { get; set; } = [];

    /// <summary>
    /// Certificate files (PEM, one or more certificates, or DER) that <c>wss://</c> dials trust as roots besides the
    /// system's: a private CA, or a peer's self-signed certificate. The host name must still match. Default none.
    /// </summary>
    public List<string> TrustedCertificates { get; set; } = [];

    /// <summary>The key REST writes must carry in <c>X-Api-Key</c>. Default none: writes only from loopback.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Key that <c>/metrics</c> requires as <c>Authorization: Bearer KEY</c>; unset (the default), the metrics are
    /// open like <c>/healthz</c> (a scraper on the same network as the node).
    /// </summary>
    public string? MetricsKey { get; set; }

    /// <summary>
    /// Serve the live dashboard at <c>/</c> and its event stream at <c>/api/dashboard/events</c> (the host's). They
    /// publish the node's peers and, through the census, the network's topology to anyone who can reach the HTTP
    /// port; false answers 404 for both. Default true.
    /// </summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// Take part in censuses (the dashboard's network map): answer other nodes' with this node's id, version and peers'
    /// ids, and run them. Off, the node neither answers nor runs one (they publish the topology). Default on.
    /// </summary>
    public bool Census { get; set; } = true;

    /// <summary>How long a removed address stays blocked from being learned again by node exchange. Default 24 h.</summary>
    public TimeSpan RemovedTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Raw TCP port for <c>tcp://</c> peers, next to HTTP; 0 (the default) leaves the TCP listener off.</summary>
    [Range(0, 65535)]
    public int TcpPort { get; set; }

    /// <summary>Milliseconds a new connection has to complete the _hello handshake before it is dropped. Default 5000.</summary>
    [Range(100, 600_000)]
    public int HandshakeTimeout { get; set; } = 5000;

    /// <summary>Milliseconds a dial may take (connect and upgrade) before it fails. Default 10000.</summary>
    [Range(100, 600_000)]
    public int ConnectTimeout { get; set; } = 10_000;

    /// <summary>
    /// Milliseconds between liveness checks: WebSocket pings on ws/wss, empty frames on an idle tcp connection.
    /// Default 15000.
    /// </summary>
    [Range(100, 3_600_000)]
    public int KeepAliveInterval { get; set; } = 15_000;

    /// <summary>Keep-alive intervals a peer may stay silent (or leave a ping unanswered) before it is dropped. Default 3.</summary>
    [Range(2, 100)]
    public int KeepAliveMisses { get; set; } = 3;

    /// <summary>Most peer connections, inbound plus outbound, handshaken or not. Default 1000.</summary>
    [Range(1, 1_000_000)]
    public int MaxPeers { get; set; } = 1000;

    /// <summary>
    /// Connections of <see cref="MaxPeers"/> that only this node's own dials may use (at most MaxPeers - 1): inbound
    /// peers never take them, so a crowd of inbound connections cannot stop the node from dialling out. Default 16.
    /// </summary>
    [Range(1, 1_000_000)]
    public int OutboundSlots { get; set; } = 16;

    /// <summary>Most inbound connections still in their handshake at once (dials have their own budget). Default 128.</summary>
    [Range(1, 1_000_000)]
    public int MaxPendingHandshakes { get; set; } = 128;

    /// <summary>
    /// Milliseconds after its handshake within which a connection to a node may still be replaced by a crossed dial
    /// from that node (both dialled at once); after it, a second connection claiming that node id is refused, so a
    /// peer spoofing an id cannot take an honest link over. Default 2000.
    /// </summary>
    [Range(0, 60_000)]
    public int CrossedDialWindow { get; set; } = 2000;

    /// <summary>
    /// Most inbound connections from one source prefix (<see cref="InboundPrefixV4"/>, <see cref="InboundPrefixV6"/>);
    /// a loopback address is its own source, capped by <see cref="MaxConnectionsPerLoopbackAddress"/>. Default 8.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerPrefix { get; set; } = 8;

    /// <summary>Messages queued per peer; past it, forwarded traffic is dropped and the node's own waits. Default 1024.</summary>
    [Range(1, 1_000_000)]
    public int SendQueueCapacity { get; set; } = 1024;

    /// <summary>Largest frame accepted, in bytes; a longer announced length closes the connection. Default 65536.</summary>
    [Range(2048, 16 * 1024 * 1024)]
    public int MaxFrameLength { get; set; } = Protocol.ProtocolLimits.DefaultMaxFrameLength;

    /// <summary>Most addresses and counter updates committed in one store transaction. Default 5000.</summary>
    [Range(1, 1_000_000)]
    public int StoreBatchSize { get; set; } = 5000;

    /// <summary>
    /// Milliseconds the store writer waits to gather more background writes (counters, learned addresses) into one
    /// transaction. Explicit saves and removes never wait for it. Default 250.
    /// </summary>
    [Range(0, 60_000)]
    public int StoreFlushInterval { get; set; } = 250;

    /// <summary>Pending store write operations before background writes are dropped (and explicit ones wait). Default 10000.</summary>
    [Range(1, 1_000_000)]
    public int StoreQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Leading bits of a remote IPv4 address that name its source for the inbound caps and eviction (a /24: one
    /// provider's subnet counts once). A loopback address is always its own source. Default 24.
    /// </summary>
    [Range(8, 32)]
    public int InboundPrefixV4 { get; set; } = 24;

    /// <summary>Leading bits of a remote IPv6 address that name its source (a /64: one host's or site's subnet). Default 64.</summary>
    [Range(16, 128)]
    public int InboundPrefixV6 { get; set; } = 64;

    /// <summary>
    /// Most inbound connections from one loopback address (each is its own source): local test networks run many
    /// hosts on 127.0.0.1, and a local reverse proxy brings every peer from loopback. Default 64.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerLoopbackAddress { get; set; } = 64;

    /// <summary>
    /// Whether addresses learned from gossip may name private ranges (RFC 1918, CGNAT 100.64/10, ULA fc00::/7), at
    /// learn time and at dial time, where a learned DNS name is resolved and every IP it gives is checked. Auto (the
    /// default) refuses them on a node that advertises a globally routable IP or a name resolving to one, and allows
    /// them otherwise (compose, Kubernetes); Allow; Refuse. Link-local and cloud metadata addresses are always refused.
    /// </summary>
    public Gossip.PrivateAddressPolicy GossipPrivateAddresses { get; set; } = Gossip.PrivateAddressPolicy.Auto;

    // The address table (issue: hold in the open).

    /// <summary>
    /// How long an address purge forgot stays blocked from being learned again; far shorter than
    /// <see cref="RemovedTtl"/>, because a purge can be wrong (an outage) where an explicit remove is not. Default 10 min.
    /// </summary>
    public TimeSpan PurgedTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Failed connections (in all) an address needs before purge may forget it. Default 3.</summary>
    [Range(1, 1000)]
    public int PurgeMinFailures { get; set; } = 3;

    /// <summary>
    /// How long an address must have been failing (since its first failure after its last success) before purge may
    /// forget it: failures an attacker causes in a burst do not purge an honest address. Default 1 h.
    /// </summary>
    public TimeSpan PurgeFailingFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Share of every dial and node-exchange sample drawn from explicit saves and tried addresses (connected to
    /// before) while they have enough; the rest comes from the new table (only learned). Default 0.9.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SampleTrustedShare { get; set; } = 0.9;

    /// <summary>
    /// Learned addresses accepted per second from one source (a remote IP's group: /16 for IPv4, /32 for IPv6, each
    /// loopback address its own), over reconnects; a peer's own addresses (its host) do not count. Default 2.
    /// </summary>
    [Range(0.001, 1_000_000)]
    public double LearnRate { get; set; } = 2;

    /// <summary>Learned addresses one source may send at once before <see cref="LearnRate"/> applies. Default 1000.</summary>
    [Range(1, 10_000_000)]
    public int LearnBurst { get; set; } = 1000;

    // Announce traffic per peer (threat H6): token buckets on new request ids, counted per session.

    /// <summary>
    /// New announce requests per second a peer may originate (those arriving with hops 0); past the bucket
    /// (<see cref="OriginRequestBurst"/>) they are dropped and counted. Benches raise it. Default 2000.
    /// </summary>
    [Range(1, 100_000_000)]
    public int OriginRequestRate { get; set; } = 2000;

    /// <summary>Requests with hops 0 a peer may send at once beyond <see cref="OriginRequestRate"/> (the bucket's size). Default 4000.</summary>
    [Range(1, 100_000_000)]
    public int OriginRequestBurst { get; set; } = 4000;

    /// <summary>
    /// New relayed requests (hops 1 or more) per second a peer may pass on to this node; past the bucket
    /// (<see cref="RelayedRequestBurst"/>) they are dropped and counted, never a reason to disconnect: an honest relay
    /// only passes a flood on. At least <see cref="OriginRequestRate"/>. Default 20000.
    /// </summary>
    [Range(1, 100_000_000)]
    public int RelayedRequestRate { get; set; } = 20_000;

    /// <summary>Relayed requests a peer may send at once beyond <see cref="RelayedRequestRate"/>. Default 40000.</summary>
    [Range(1, 100_000_000)]
    public int RelayedRequestBurst { get; set; } = 40_000;

    /// <summary>
    /// Consecutive seconds in which a peer may overrun <see cref="OriginRequestRate"/> before it is disconnected.
    /// Default 5.
    /// </summary>
    [Range(1, 3600)]
    public int OriginFloodSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds a source (remote IP, else node id) disconnected for flooding stays on probation: a new session from it
    /// starts with an empty bucket and is disconnected in the first second it overruns again. 0: none. Default 600.
    /// </summary>
    [Range(0, 86_400)]
    public int OriginFloodPenalty { get; set; } = 600;

    /// <summary>
    /// Milliseconds between feelers: with bootstrap on, one stored address that is not connected is dialled, held for
    /// one address exchange and closed, even when every connection is up (Bitcoin Core's feelers). 0: none. Default
    /// 120000.
    /// </summary>
    [Range(0, 86_400_000)]
    public int FeelerInterval { get; set; } = 120_000;

    /// <summary>
    /// Milliseconds between outbound rotations: with bootstrap on and outbound full, one link bootstrap opened is closed
    /// and replaced from a fresh sample (links opened by connect are never closed). 0: none. Default 600000.
    /// </summary>
    [Range(0, 86_400_000)]
    public int RotateInterval { get; set; } = 600_000;

    /// <summary>
    /// How many of its longest-held outbound links a node keeps as anchors, saved as they change and dialled first
    /// after a restart (Bitcoin Core's anchors). 0: none. Default 2.
    /// </summary>
    [Range(0, 64)]
    public int Anchors { get; set; } = 2;

    // Topics (issue 16): members this node registers, lookups it answers, lookups it runs.

    /// <summary>Topic members (a topic and an address) this node holds in all, library and REST registrations together. Default 10000.</summary>
    [Range(1, 1_000_000)]
    public int TopicRegistrations { get; set; } = 10_000;

    /// <summary>Members one topic may have on this node. Default 1000.</summary>
    [Range(1, 1_000_000)]
    public int TopicMembersPerTopic { get; set; } = 1000;

    /// <summary>Members one REST client (its IP) may hold registered on this node, over all topics (a member is an address). Default 64.</summary>
    [Range(1, 1_000_000)]
    public int TopicAddressesPerClient { get; set; } = 64;

    /// <summary>Addresses one registration (a join, a PUT) may carry. Default 16.</summary>
    [Range(1, 255)]
    public int TopicAddressesPerRegistration { get; set; } = 16;

    /// <summary>Members this node sends when it answers a lookup: a random sample when the topic has more. Default 8.</summary>
    [Range(1, 255)]
    public int TopicAnswerSample { get; set; } = 8;

    /// <summary>
    /// Members one responding node (by the id it claims) may count toward a lookup's max; its others are held back and
    /// given only if the lookup times out short of max, so one hostile node cannot fill a lookup. Default 3.
    /// </summary>
    [Range(1, 255)]
    public int TopicMembersPerResponder { get; set; } = 3;

    /// <summary>Answers (response frames) one of this node's lookups accepts; later ones are dropped and counted. Default 64.</summary>
    [Range(1, 4096)]
    public int TopicAnswersPerLookup { get; set; } = 64;

    /// <summary>Lookups per second this node answers for one peer (a token bucket per session); past it they are only forwarded. Default 10.</summary>
    [Range(1, 100_000)]
    public int TopicLookupRate { get; set; } = 10;

    /// <summary>Lookups one peer may have answered at once beyond <see cref="TopicLookupRate"/> (the bucket's size). Default 20.</summary>
    [Range(1, 100_000)]
    public int TopicLookupBurst { get; set; } = 20;

    /// <summary>Seconds this node keeps the members its lookups found, to answer the next lookup of that topic without asking the network; 0 turns the cache off. Default 10.</summary>
    [Range(0, 600)]
    public int TopicCacheSeconds { get; set; } = 10;
}
