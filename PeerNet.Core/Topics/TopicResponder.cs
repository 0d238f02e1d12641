using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Topics;

/// <summary>
/// Answers other nodes' topic lookups (<c>_pn.topic</c> requests) with a random sample of the members this node holds
/// for the hashed topic (<see cref="PeerNetOptions.TopicAnswerSample"/>), back along the request's path; a node holding
/// none stays silent. At most <see cref="PeerNetOptions.TopicLookupRate"/> lookups a second per peer are answered (the
/// router forwards every lookup it admits either way). Called on the announce router's loop; never waits.
/// </summary>
public sealed partial class TopicResponder
{
    private readonly TopicRegistry _registry;
    private readonly NodeId _self;
    private readonly PeerNetOptions _options;
    private readonly PeerNetLimits _limits;
    private readonly RandomSource _random;
    private readonly PeerNetMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _started;

    /// <summary>Creates the responder of a node.</summary>
    public TopicResponder(TopicRegistry registry, NodeIdentity identity, IOptions<PeerNetOptions> options, PeerNetLimits limits, RandomSource random,
        PeerNetMetrics metrics, TimeProvider time, ILogger<TopicResponder> logger)
    {
        _registry = registry;
        _self = identity.Id;
        _options = options.Value;
        _limits = limits;
        _random = random;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _started = time.GetTimestamp();
    }

    /// <summary>A new lookup from <paramref name="from"/>: answered, or dropped and counted.</summary>
    internal void OnRequest(Peer from, Announce request)
    {
        var budget = from.TopicLookups ??= new LookupBudget(_options);
        if (!budget.Bucket.TryTake(_time.GetElapsedTime(_started)))
        {
            _limits.TopicLookups.Hit();
            _metrics.TopicAnswer("rate_limited");
            Log.RateLimited(_logger, from);
            return;
        }
        if (!TopicWire.TryDecodeLookup(request.Data.Span, out var hash, out var want))
        {
            _metrics.TopicAnswer("invalid");
            Log.Invalid(_logger, from);
            return;
        }
        var members = _registry.Sample(Convert.ToHexStringLower(hash), Math.Min(want, _options.TopicAnswerSample), _random);
        if (members.Count == 0)
        {
            _metrics.TopicAnswer("none");
            return;
        }
        var sent = true;
        foreach (var data in TopicWire.EncodeAnswers(hash, _self, members))
        {
            var response = new Announce
            {
                Id = Messages.NewId(_random),
                Reply = request.Id,
                Hops = 0,
                Limit = request.Limit,
                Type = MessageTypes.TopicFind,
                Data = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(data),
            };
            sent &= from.TrySendResponse(response);
        }
        _metrics.TopicAnswer(sent ? "ok" : "send_queue_full");
    }

    private static partial class Log
    {
        // Event ids 560-569 belong to topics. Next free: 562 (TopicService: 565-569).
        [LoggerMessage(560, LogLevel.Debug, "Topics: a lookup from {Peer} was not answered: over its TopicLookupRate")]
        public static partial void RateLimited(ILogger logger, Peer peer);

        [LoggerMessage(561, LogLevel.Debug, "Topics: a lookup from {Peer} was not answered: its data is not a lookup this node can read")]
        public static partial void Invalid(ILogger logger, Peer peer);
    }
}
