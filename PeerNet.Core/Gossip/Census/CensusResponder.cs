using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Census;

/// <summary>
/// Answers other nodes' censuses (a <c>_pn.census</c> request) with this node's id, version and peers, back along the
/// request's path, at most <see cref="AnswersPerSecond"/> a second (a burst of <see cref="AnswerBurst"/>): a census
/// costs every node an answer, so one node asking in a loop must not make the network answer in a loop. Called on the
/// announce router's loop; never waits.
/// </summary>
public sealed partial class CensusResponder : IDisposable
{
    /// <summary>Answers a second, at most.</summary>
    public const int AnswersPerSecond = 1;

    /// <summary>Answers in a burst, at most.</summary>
    public const int AnswerBurst = 3;

    private readonly PeerTable _table;
    private readonly NodeIdentity _identity;
    private readonly RandomSource _random;
    private readonly PeerNetMetrics _metrics;
    private readonly ILogger _logger;
    private readonly bool _enabled;
    private readonly TokenBucketRateLimiter _limiter;

    /// <summary>Creates the responder of a node.</summary>
    public CensusResponder(PeerTable table, NodeIdentity identity, IOptions<PeerNetOptions> options, RandomSource random,
        PeerNetMetrics metrics, TimeProvider time, ILogger<CensusResponder> logger)
    {
        _table = table;
        _identity = identity;
        _random = random;
        _metrics = metrics;
        _logger = logger;
        _enabled = options.Value.Census;
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = AnswerBurst,
            TokensPerPeriod = AnswersPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>This node's own entry, as it answers a census.</summary>
    internal CensusAnswer Describe()
    {
        var peers = _table.Handshaken;
        var listed = new List<CensusPeer>(Math.Min(peers.Count, CensusAnswer.MaxPeers));
        foreach (var peer in peers)
        {
            if (listed.Count == CensusAnswer.MaxPeers)
                break;
            if (peer.RemoteId is { } id)
                listed.Add(new CensusPeer(id, peer.IsPeerNet, peer.Direction == PeerDirection.Outbound));
        }
        return new CensusAnswer(_identity.Id, PeerNode.Version, peers.Count, listed);
    }

    /// <summary>A new census request from <paramref name="from"/>: answered, or dropped and counted.</summary>
    internal void OnRequest(Peer from, Announce request)
    {
        if (!_enabled)
        {
            _metrics.CensusAnswer("disabled");
            return;
        }
        using var lease = _limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            _metrics.CensusAnswer("rate_limited");
            Log.RateLimited(_logger, from);
            return;
        }
        var response = new Announce
        {
            Id = Messages.NewId(_random),
            Reply = request.Id,
            Hops = 0,
            Limit = request.Limit,
            Type = MessageTypes.Census,
            Data = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(Describe().Encode()),
        };
        _metrics.CensusAnswer(from.TrySendResponse(response) ? "ok" : "send_queue_full");
    }

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();

    private static partial class Log
    {
        // Event ids 540-549 belong to the census. Next free: 541.
        [LoggerMessage(540, LogLevel.Debug, "Census: a request from {Peer} was not answered: over the rate")]
        public static partial void RateLimited(ILogger logger, Peer peer);
    }
}
