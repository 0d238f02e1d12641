using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Protocol;

namespace PeerNet;

/// <summary>
/// Every bound a remote peer can fill, in one place (as Kestrel's <c>KestrelServerLimits</c>): its default and why.
/// Those an operator would tune come from <see cref="PeerNetOptions"/> (README's configuration table); the rest are
/// constants. Each counts its hits on the <c>PeerNet</c> meter; node-wide ones warn at 60% occupancy.
/// </summary>
public sealed class PeerNetLimits
{
    /// <summary>Received gossip waiting for the announce router's loop: a burst from many peers fits, a flood is dropped.</summary>
    public const int RouterQueueCapacity = 65_536;

    /// <summary>Of the router queue, what one peer's messages may take at most: one flooding peer cannot starve the rest.</summary>
    public const int RouterQueuePerPeerCapacity = RouterQueueCapacity / 4;

    /// <summary>
    /// Of the caches one peer's requests fill (origins, seen ids, payloads, pending pulls), the part it may take before
    /// its new entries evict only its own (1 / this): one flooding peer cannot push out everyone else's.
    /// </summary>
    public const int PeerCacheShareDivisor = 4;

    /// <summary>
    /// Of a peer's send queue, the part (1 / this) forwarded requests never fill: the response lane, kept for relayed
    /// replies and control frames, so a flood of requests passing through cannot push an honest reply out.
    /// </summary>
    public const int ResponseLaneDivisor = 4;

    /// <summary>Request origins remembered to route replies (two minutes of a busy network's requests).</summary>
    public const int OriginCapacity = 65_536;

    /// <summary>Responses remembered to drop duplicates (the original sends each response twice).</summary>
    public const int SeenResponseCapacity = 65_536;

    /// <summary>Responses buffered per own announce before more are dropped for it (far more than any app reads).</summary>
    public const int ResponseBufferCapacity = 4_096;

    /// <summary>Request ids remembered as seen: five minutes of requests at over 200/s; duplicates after that are rare.</summary>
    public const int SeenIdCapacity = 65_536;

    /// <summary>Payloads kept to answer GRAFTs: repair asks within a second or two of an announce.</summary>
    public const int PayloadCapacity = 4_096;

    /// <summary>Missing ids being pulled at once: a peer announcing ids it never serves fills this, not memory.</summary>
    public const int PendingPullCapacity = 4_096;

    /// <summary>
    /// Entries a node's dissemination rule makes room for in each id cache at start (~6 KB per cache), so its first
    /// announces grow nothing: grown from empty, every node of a network resized its caches at the same announces
    /// (the 17th and 18th), which made those the costliest. Simulated rules start empty.
    /// </summary>
    public const int RuleCachePresize = 128;

    /// <summary>Idle one-shot timers the announce router keeps for re-arming (IHAVE flushes, pulls, ack batches).</summary>
    public const int IdleRouterTimers = 32;

    /// <summary>
    /// Copies of one kept payload served by GRAFT, last resorts included, each to a different peer: repair needs a
    /// few (ServeBudget, default 4), and a peer repeating last-resort GRAFTs gets each copy once.
    /// </summary>
    public const int GraftServesPerId = 16;

    /// <summary>Peers remembered as announcers of one missing id.</summary>
    public const int AnnouncersPerId = 32;

    /// <summary>Reply handles for sidecars (two minutes of requests at over 100/s).</summary>
    public const int ReplyHandleCapacity = 16_384;

    /// <summary>Request subscribers at once: each costs a write per request on the router's loop.</summary>
    public const int MaxSubscribers = 256;

    /// <summary>Requests buffered per subscriber before it loses requests (a slow sidecar never stalls gossip).</summary>
    public const int SubscriberBufferCapacity = 1_024;

    /// <summary>
    /// How long the node's own sends (replies, node-exchange answers, own announces' copies) wait for room in a peer's
    /// full send queue: a peer that stops reading cannot hold an application's reply for ever.
    /// </summary>
    public static readonly TimeSpan OwnSendDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Own frames parked per peer waiting for room in its full send queue; past it they are dropped.</summary>
    public const int MaxWaitingOwnSends = 256;

    /// <summary>Addresses in one answer to an _addrs request, whatever size it asks for.</summary>
    public const int MaxAddressesPerAnswer = ProtocolLimits.MaxAddressesPerAnswer;

    /// <summary>
    /// Answers accepted per own _addrs request, as a multiple of Size: an original peer relays its own peers' answers
    /// too (each twice), so a little over Size is normal; far more is a peer stuffing the store.
    /// </summary>
    public const int AnswerAllowanceFactor = 8;

    /// <summary>
    /// Learned addresses the new table holds (<see cref="Storage.AddressTable"/>: 1024 buckets of 64; one source group
    /// reaches 64 buckets, one address group from one source one bucket). Explicit saves live outside it.
    /// </summary>
    public const int NewTableCapacity = Storage.AddressTable.NewCapacity;

    /// <summary>Learned addresses connected to that the tried table holds (256 buckets of 64).</summary>
    public const int TriedTableCapacity = Storage.AddressTable.TriedCapacity;

    /// <summary>Sources whose learning budget is tracked at once; past it, refilled (then idlest) ones are forgotten.</summary>
    public const int LearnSourceCapacity = 4_096;

    /// <summary>Frames a peer's writer drains into one flush (one WebSocket message): bounds a message's size.</summary>
    public const int MaxFramesPerFlush = ProtocolLimits.MaxFramesPerFlush;

    /// <summary>Bytes a WebSocket peer's receive pipe holds before the socket stops being read (backpressure).</summary>
    public const int ReceivePipePauseBytes = 64 * 1024;

    /// <summary>Bytes below which a paused receive pipe resumes.</summary>
    public const int ReceivePipeResumeBytes = 32 * 1024;

    /// <summary>
    /// Addresses one bootstrap round takes from the seeds' DNS answers (SRV targets included): a name answering
    /// thousands of records costs a bounded list, not a round of thousands of candidates (a round dials at most 8).
    /// </summary>
    public const int MaxSeedAddresses = 256;

    /// <summary>Most addresses one call of <c>GET /api/nodes/sample</c> (<see cref="PeerNode.SampleVerifiedAsync"/>) returns.</summary>
    public const int MaxSampleSize = 100;

    /// <summary>
    /// How long one sample of recently verified addresses is served (<see cref="PeerNode.SampleVerifiedAsync"/>): every
    /// call within it gets the same sample, so polling the open REST endpoint reveals at most
    /// <see cref="MaxSampleSize"/> addresses per window instead of enumerating the table, and costs one query per window.
    /// </summary>
    public static readonly TimeSpan SampleWindow = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Inbound connections evicted for newcomers and still closing: each newcomer is admitted while its victim closes
    /// (bounded in time by the transport), so this bounds how far over the inbound caps a churning crowd can push.
    /// </summary>
    public const int MaxEvictionsInFlight = 64;

    /// <summary>Topics whose found members a node caches at once (each at most <see cref="MaxTopicFindMembers"/> members).</summary>
    public const int TopicCacheCapacity = 256;

    /// <summary>Most members one topic lookup (<c>FindAsync</c>, <c>GET /api/topics/{topic}/peers</c>) may ask for.</summary>
    public const int MaxTopicFindMembers = 100;

    /// <summary>
    /// Forged signed messages one session may send before it is closed: no honest peer forwards one (PeerNet nodes
    /// verify first, original and older nodes strip the fields), and each costs a signature check on the router's loop.
    /// </summary>
    public const int MaxForgeriesPerSession = 16;

    /// <summary>Longest time to live of a topic registration, as Hyperswarm's records: a member must be renewed within it.</summary>
    public static readonly TimeSpan MaxTopicTtl = TimeSpan.FromMinutes(20);

    /// <summary>The limits of a node.</summary>
    public PeerNetLimits(IOptions<PeerNetOptions> options, PeerNetMetrics metrics, ILogger<PeerNetLimits> logger)
    {
        var o = options.Value;
        LimitBound Option(string name, long capacity, string option, string reason) => new(name, capacity, reason, "PeerNet:" + option, metrics, logger);
        LimitBound Constant(string name, long capacity, string reason) => new(name, capacity, reason, null, metrics, logger);
        Peers = Option("peers", o.MaxPeers, nameof(o.MaxPeers), "connections, inbound plus outbound, handshaken or not: each costs buffers and a task pair");
        PendingHandshakes = Option("pending_handshakes", o.MaxPendingHandshakes, nameof(o.MaxPendingHandshakes), "connections that have not finished _hello: the cheapest thing to open in bulk");
        PerPrefix = Option("per_prefix", o.MaxConnectionsPerPrefix, nameof(o.MaxConnectionsPerPrefix), "inbound connections from one source prefix: one subnet cannot take every slot");
        SendQueue = Option("send_queue", o.SendQueueCapacity, nameof(o.SendQueueCapacity), "messages queued per peer: a peer that stops reading loses forwarded traffic, not the node's memory");
        FrameLength = Option("frame_length", o.MaxFrameLength, nameof(o.MaxFrameLength), "bytes in one frame, checked before anything is allocated");
        StoreQueue = Option("store_queue", o.StoreQueueCapacity, nameof(o.StoreQueueCapacity), "store writes waiting for the writer: learned addresses and counters are dropped past it");
        RouterQueue = Constant("router_queue", RouterQueueCapacity, "received gossip waiting for the announce router's loop");
        RouterQueuePerPeer = Constant("router_queue_peer", RouterQueuePerPeerCapacity, "one peer's share of the router queue");
        Origins = Constant("origins", OriginCapacity, "request origins kept to route replies");
        SeenResponses = Constant("seen_responses", SeenResponseCapacity, "responses kept to drop duplicates");
        ResponseBuffer = Constant("response_buffer", ResponseBufferCapacity, "responses buffered per own announce");
        SeenIds = Constant("seen_ids", SeenIdCapacity, "request ids kept to drop duplicates");
        Payloads = Constant("payloads", PayloadCapacity, "payloads kept to answer GRAFTs");
        PendingPulls = Constant("pending_pulls", PendingPullCapacity, "missing ids being pulled");
        ReplyHandles = Constant("reply_handles", ReplyHandleCapacity, "reply handles issued to sidecars");
        Subscribers = Constant("subscribers", MaxSubscribers, "request subscribers at once");
        SubscriberBuffer = Constant("subscriber_buffer", SubscriberBufferCapacity, "requests buffered per subscriber");
        WaitingOwnSends = Constant("waiting_own_sends", MaxWaitingOwnSends, "own frames parked per peer at a full send queue");
        ExchangeAllowance = Constant("exchange_allowance", (long)o.Size * AnswerAllowanceFactor, "answers accepted per own _addrs request (Size x 8)");
        SeedAddresses = Constant("seed_addresses", MaxSeedAddresses, "addresses one bootstrap round takes from the seeds' DNS answers");
        Evictions = Constant("evictions", MaxEvictionsInFlight, "inbound connections evicted and still closing");
        OriginRequests = Option("origin_requests", o.OriginRequestBurst, nameof(o.OriginRequestRate), "new requests one peer originates (hops 0) per second, a token bucket per session");
        RelayedRequests = Option("relayed_requests", o.RelayedRequestBurst, nameof(o.RelayedRequestRate), "new relayed requests (hops 1 or more) one peer passes on per second, a token bucket per session");
        TopicRegistrations = Option("topic_registrations", o.TopicRegistrations, nameof(o.TopicRegistrations), "topic members this node holds in all: each is a string of up to 255 bytes");
        TopicMembers = Option("topic_members", o.TopicMembersPerTopic, nameof(o.TopicMembersPerTopic), "members of one topic on this node: a lookup answers a random sample of them");
        TopicClientAddresses = Option("topic_client_addresses", o.TopicAddressesPerClient, nameof(o.TopicAddressesPerClient), "members one REST client (IP) holds registered: one sidecar cannot take the node's share");
        TopicRegistrationAddresses = Option("topic_registration_addresses", o.TopicAddressesPerRegistration, nameof(o.TopicAddressesPerRegistration), "addresses in one join or PUT");
        TopicAnswers = Option("topic_answers", o.TopicAnswersPerLookup, nameof(o.TopicAnswersPerLookup), "answer frames one own lookup accepts: a responder sending without end costs a bounded list");
        TopicResponderMembers = Option("topic_responder_members", o.TopicMembersPerResponder, nameof(o.TopicMembersPerResponder), "members one responder counts toward a lookup's max: one node cannot fill it");
        TopicLookups = Option("topic_lookups", o.TopicLookupBurst, nameof(o.TopicLookupRate), "lookups one peer has this node answer per second, a token bucket per session");
        TopicCache = Constant("topic_cache", TopicCacheCapacity, "topics whose found members this node keeps for TopicCacheSeconds");
        All = [Peers, PendingHandshakes, PerPrefix, SendQueue, FrameLength, StoreQueue, RouterQueue, RouterQueuePerPeer, Origins, SeenResponses,
            ResponseBuffer, SeenIds, Payloads, PendingPulls, ReplyHandles, Subscribers, SubscriberBuffer, WaitingOwnSends, ExchangeAllowance,
            SeedAddresses, Evictions, OriginRequests, RelayedRequests,
            TopicRegistrations, TopicMembers, TopicClientAddresses, TopicRegistrationAddresses, TopicAnswers, TopicResponderMembers, TopicLookups, TopicCache];
        metrics.ObserveGauge("peernet.limit.usage", "{item}", "Occupancy last observed of each node-wide bound (see peernet.limit.hits for how often one was reached).",
            () => All.Where(b => b.IsObserved).Select(b => new System.Diagnostics.Metrics.Measurement<long>(b.Occupancy, new KeyValuePair<string, object?>("limit", b.Name))));
    }

    /// <summary>Every bound, for diagnostics.</summary>
    public IReadOnlyList<LimitBound> All { get; }

    /// <summary><see cref="PeerNetOptions.MaxPeers"/>.</summary>
    public LimitBound Peers { get; }

    /// <summary><see cref="PeerNetOptions.MaxPendingHandshakes"/>.</summary>
    public LimitBound PendingHandshakes { get; }

    /// <summary><see cref="PeerNetOptions.MaxConnectionsPerPrefix"/>.</summary>
    public LimitBound PerPrefix { get; }

    /// <summary><see cref="MaxEvictionsInFlight"/>.</summary>
    public LimitBound Evictions { get; }

    /// <summary><see cref="PeerNetOptions.SendQueueCapacity"/> (per peer).</summary>
    public LimitBound SendQueue { get; }

    /// <summary><see cref="PeerNetOptions.MaxFrameLength"/>.</summary>
    public LimitBound FrameLength { get; }

    /// <summary><see cref="PeerNetOptions.StoreQueueCapacity"/>.</summary>
    public LimitBound StoreQueue { get; }

    /// <summary><see cref="RouterQueueCapacity"/>.</summary>
    public LimitBound RouterQueue { get; }

    /// <summary><see cref="RouterQueuePerPeerCapacity"/> (per peer).</summary>
    public LimitBound RouterQueuePerPeer { get; }

    /// <summary><see cref="OriginCapacity"/>.</summary>
    public LimitBound Origins { get; }

    /// <summary><see cref="SeenResponseCapacity"/>.</summary>
    public LimitBound SeenResponses { get; }

    /// <summary><see cref="ResponseBufferCapacity"/> (per own announce).</summary>
    public LimitBound ResponseBuffer { get; }

    /// <summary><see cref="SeenIdCapacity"/>.</summary>
    public LimitBound SeenIds { get; }

    /// <summary><see cref="PayloadCapacity"/>.</summary>
    public LimitBound Payloads { get; }

    /// <summary><see cref="PendingPullCapacity"/>.</summary>
    public LimitBound PendingPulls { get; }

    /// <summary><see cref="ReplyHandleCapacity"/>.</summary>
    public LimitBound ReplyHandles { get; }

    /// <summary><see cref="MaxSubscribers"/>.</summary>
    public LimitBound Subscribers { get; }

    /// <summary><see cref="SubscriberBufferCapacity"/> (per subscriber).</summary>
    public LimitBound SubscriberBuffer { get; }

    /// <summary><see cref="MaxWaitingOwnSends"/> (per peer).</summary>
    public LimitBound WaitingOwnSends { get; }

    /// <summary><see cref="AnswerAllowanceFactor"/> x <see cref="PeerNetOptions.Size"/> (per request).</summary>
    public LimitBound ExchangeAllowance { get; }

    /// <summary><see cref="MaxSeedAddresses"/> (per bootstrap round).</summary>
    public LimitBound SeedAddresses { get; }

    /// <summary><see cref="PeerNetOptions.OriginRequestRate"/> (per peer; the capacity is the burst).</summary>
    public LimitBound OriginRequests { get; }

    /// <summary><see cref="PeerNetOptions.RelayedRequestRate"/> (per peer; the capacity is the burst).</summary>
    public LimitBound RelayedRequests { get; }

    /// <summary><see cref="PeerNetOptions.TopicRegistrations"/>.</summary>
    public LimitBound TopicRegistrations { get; }

    /// <summary><see cref="PeerNetOptions.TopicMembersPerTopic"/> (per topic).</summary>
    public LimitBound TopicMembers { get; }

    /// <summary><see cref="PeerNetOptions.TopicAddressesPerClient"/> (per REST client).</summary>
    public LimitBound TopicClientAddresses { get; }

    /// <summary><see cref="PeerNetOptions.TopicAddressesPerRegistration"/> (per registration).</summary>
    public LimitBound TopicRegistrationAddresses { get; }

    /// <summary><see cref="PeerNetOptions.TopicAnswersPerLookup"/> (per own lookup).</summary>
    public LimitBound TopicAnswers { get; }

    /// <summary><see cref="PeerNetOptions.TopicMembersPerResponder"/> (per responder, per own lookup).</summary>
    public LimitBound TopicResponderMembers { get; }

    /// <summary><see cref="PeerNetOptions.TopicLookupRate"/> (per peer; the capacity is the burst).</summary>
    public LimitBound TopicLookups { get; }

    /// <summary><see cref="TopicCacheCapacity"/>.</summary>
    public LimitBound TopicCache { get; }
}
