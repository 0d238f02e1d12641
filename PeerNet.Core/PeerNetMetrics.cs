using System.Diagnostics.Metrics;

namespace PeerNet;

/// <summary>
/// The node's counters: one <see cref="System.Diagnostics.Metrics"/> meter named <see cref="MeterName"/>, created
/// through <see cref="IMeterFactory"/> (so each node in a process has its own, and tests read it with
/// <c>MetricCollector&lt;T&gt;</c>). Names follow OpenTelemetry's conventions; a reason or result tag says why.
/// <c>dotnet-counters monitor --counters PeerNet</c> shows them on a running node.
/// </summary>
public sealed class PeerNetMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "PeerNet";

    private readonly Meter _meter;
    private readonly Counter<long> _handshakes, _refused, _violations, _dropped;
    private readonly Counter<long> _originated, _received, _responsesDelivered, _responsesRelayed, _responsesDropped;
    private readonly Counter<long> _asked, _learned, _refusedAddresses, _addressesSent, _dials, _purged;
    private readonly Counter<long> _storeDropped, _roundFailures, _limitHits, _subscriberDrops, _censusAnswers, _seedResolutions, _seedRefused;
    private readonly Histogram<double> _batchDuration;
    private readonly Counter<long> _evicted, _dialsRefused, _rotated;
    private readonly Counter<long> _topicAnswers, _topicLookups, _topicDropped, _forged;

    /// <summary>Creates the node's meter and its instruments.</summary>
    public PeerNetMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(new MeterOptions(MeterName) { Version = PeerNode.Version });
        _handshakes = Counter("peernet.handshakes", "{handshake}", "Handshakes finished, by result (ok, failed) and failure reason.");
        _refused = Counter("peernet.connections.refused", "{connection}", "Connections closed at once by a cap, by reason (peer_cap, pending_cap, prefix_cap, stopping).");
        _violations = Counter("peernet.protocol.violations", "{violation}", "Protocol violations; each closed its connection.");
        _dropped = Counter("peernet.messages.dropped", "{message}",
            "Received or queued messages dropped, by reason (field_limit, unsolicited, router_queue_full, send_queue_full, own_send_overflow).");
        _originated = Counter("peernet.announces.originated", "{announce}", "Announces this node made.");
        _received = Counter("peernet.announces.received", "{announce}", "New announce requests from peers, handed to the application.");
        _responsesDelivered = Counter("peernet.responses.delivered", "{response}", "Responses handed to this node's own announces.");
        _responsesRelayed = Counter("peernet.responses.relayed", "{response}", "Responses passed on toward the announcer.");
        _responsesDropped = Counter("peernet.responses.dropped", "{response}",
            "Responses dropped, by reason (no_reply, duplicate, no_route, buffer_full, send_queue_full).");
        _asked = Counter("peernet.exchange.requests", "{request}", "Node-exchange requests (_addrs) sent.");
        _learned = Counter("peernet.exchange.addresses.learned", "{address}", "Addresses learned by node exchange and queued for saving.");
        _refusedAddresses = Counter("peernet.exchange.addresses.refused", "{address}",
            "Addresses of node exchange refused, by reason (invalid, scope, allowance, unsolicited, store_full).");
        _addressesSent = Counter("peernet.exchange.addresses.sent", "{address}", "Addresses sent in answers to peers' node-exchange requests.");
        _dials = Counter("peernet.dials", "{dial}", "The engine's dials, by result (ok, failed) and purpose (bootstrap, feeler).");
        _seedResolutions = Counter("peernet.seeds.resolutions", "{lookup}",
            "DNS lookups of seeds (A/AAAA, SRV) at bootstrap rounds, by result (ok, failed) and failure reason (timeout, not_found, error).");
        _seedRefused = Counter("peernet.seeds.addresses.refused", "{address}",
            "Addresses resolved from seeds that are not dialled, by reason (scope, invalid).");
        _purged = Counter("peernet.addresses.purged", "{address}", "Dead addresses purged from the store.");
        _storeDropped = Counter("peernet.store.writes.dropped", "{write}", "Background store writes dropped at a full writer queue.");
        _roundFailures = Counter("peernet.engine.round.failures", "{round}", "Gossip engine rounds that failed (logged; the loop went on), by loop.");
        _limitHits = Counter("peernet.limit.hits", "{hit}", "Times a bound a remote peer can fill was reached, by limit (see PeerNetLimits).");
        _subscriberDrops = Counter("peernet.requests.subscriber.dropped", "{request}", "Requests a slow subscriber lost (its buffer was full).");
        _censusAnswers = Counter("peernet.census.answers", "{answer}", "Census requests of other nodes, by result (ok, rate_limited, disabled, send_queue_full).");
        _evicted = Counter("peernet.connections.evicted", "{connection}",
            "Inbound connections closed to make room for a newcomer when inbound was full, by reason (pending, netgroup).");
        _dialsRefused = Counter("peernet.dials.refused", "{dial}",
            "Dials of gossip-learned addresses not made because the address is out of scope, by reason (scope, unresolved).");
        _rotated = Counter("peernet.connections.rotated", "{connection}",
            "Outbound links bootstrap opened that the engine closed to make room for a fresh sample (outbound rotation).");
        _topicAnswers = Counter("peernet.topics.answers", "{lookup}",
            "Topic lookups of other nodes, by result (ok, none, rate_limited, invalid, send_queue_full).");
        _topicLookups = Counter("peernet.topics.lookups", "{lookup}", "Topic lookups this node ran, by result (network, cached).");
        _topicDropped = Counter("peernet.topics.members.dropped", "{member}",
            "Members in answers to own lookups not counted toward max, by reason (over_responder, over_answers, invalid, duplicate, forged).");
        _forged = Counter("peernet.announces.forged", "{message}",
            "Signed announces dropped as forgeries (one of signer and signature, a wrong length, a signature that does not verify), by kind (request, response).");
        _batchDuration = _meter.CreateHistogram<double>("peernet.store.batch.duration", "s", "Time to commit one store writer batch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    /// <summary>The meter, for components that add observable instruments of their own state.</summary>
    internal Meter Meter => _meter;

    internal void Handshake(string? failure)
    {
        if (failure is null)
            _handshakes.Add(1, new KeyValuePair<string, object?>("result", "ok"));
        else
            _handshakes.Add(1, new KeyValuePair<string, object?>("result", "failed"), new KeyValuePair<string, object?>("reason", failure));
    }

    internal void ConnectionRefused(string reason) => _refused.Add(1, Reason(reason));

    internal void Violation() => _violations.Add(1);

    internal void MessageDropped(string reason) => _dropped.Add(1, Reason(reason));

    internal void Forged(bool response) => _forged.Add(1, new KeyValuePair<string, object?>("kind", response ? "response" : "request"));

    internal void AnnounceOriginated() => _originated.Add(1);

    internal void AnnounceReceived() => _received.Add(1);

    internal void ResponseDelivered() => _responsesDelivered.Add(1);

    internal void ResponseRelayed() => _responsesRelayed.Add(1);

    internal void ResponseDropped(string reason) => _responsesDropped.Add(1, Reason(reason));

    internal void ExchangeAsked() => _asked.Add(1);

    internal void AddressLearned() => _learned.Add(1);

    internal void AddressRefused(string reason) => _refusedAddresses.Add(1, Reason(reason));

    internal void AddressesSent(int count) => _addressesSent.Add(count);

    internal void Dial(bool ok, Peers.DialPurpose purpose) => _dials.Add(1,
        new KeyValuePair<string, object?>("result", ok ? "ok" : "failed"),
        new KeyValuePair<string, object?>("purpose", purpose == Peers.DialPurpose.Feeler ? "feeler" : "bootstrap"));

    internal void Rotated() => _rotated.Add(1);

    internal void SeedResolution(string? failure)
    {
        if (failure is null)
            _seedResolutions.Add(1, new KeyValuePair<string, object?>("result", "ok"));
        else
            _seedResolutions.Add(1, new KeyValuePair<string, object?>("result", "failed"), Reason(failure));
    }

    internal void SeedAddressRefused(string reason) => _seedRefused.Add(1, Reason(reason));

    internal void Purged(int count) => _purged.Add(count);

    internal void StoreWriteDropped() => _storeDropped.Add(1);

    internal void StoreBatch(TimeSpan duration) => _batchDuration.Record(duration.TotalSeconds);

    internal void RoundFailed(string loop) => _roundFailures.Add(1, new KeyValuePair<string, object?>("loop", loop));

    internal void LimitHit(string limit) => _limitHits.Add(1, new KeyValuePair<string, object?>("limit", limit));

    internal void SubscriberDropped() => _subscriberDrops.Add(1);

    internal void ConnectionEvicted(string reason) => _evicted.Add(1, Reason(reason));

    internal void DialRefused(string reason) => _dialsRefused.Add(1, Reason(reason));

    internal void CensusAnswer(string result) => _censusAnswers.Add(1, new KeyValuePair<string, object?>("result", result));

    internal void TopicAnswer(string result) => _topicAnswers.Add(1, new KeyValuePair<string, object?>("result", result));

    internal void TopicLookup(string result) => _topicLookups.Add(1, new KeyValuePair<string, object?>("result", result));

    internal void TopicMembersDropped(string reason, int count = 1) => _topicDropped.Add(count, Reason(reason));

    /// <summary>An observable gauge of a size some component owns (read on collection).</summary>
    internal void ObserveGauge(string name, string unit, string description, Func<long> read) =>
        _meter.CreateObservableGauge(name, read, unit, description);

    /// <summary>An observable gauge with several tagged values.</summary>
    internal void ObserveGauge(string name, string unit, string description, Func<IEnumerable<Measurement<long>>> read) =>
        _meter.CreateObservableGauge(name, read, unit, description);

    /// <summary>An observable counter of a monotonic total some component keeps itself (a loop-owned field).</summary>
    internal void ObserveCounter(string name, string unit, string description, Func<long> read) =>
        _meter.CreateObservableCounter(name, read, unit, description);

    /// <summary>An observable counter with several tagged totals.</summary>
    internal void ObserveCounter(string name, string unit, string description, Func<IEnumerable<Measurement<long>>> read) =>
        _meter.CreateObservableCounter(name, read, unit, description);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private Counter<long> Counter(string name, string unit, string description) => _meter.CreateCounter<long>(name, unit, description);

    private static KeyValuePair<string, object?> Reason(string reason) => new("reason", reason);
}
