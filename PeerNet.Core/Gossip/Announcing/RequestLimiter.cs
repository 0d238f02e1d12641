using System.Net;
using Microsoft.Extensions.Logging;
using PeerNet.Peers;

namespace PeerNet.Gossip.Announcing;

/// <summary>What the router does with a new request (<see cref="RequestLimiter.Admit"/>).</summary>
internal enum RequestAdmission : byte
{
    /// <summary>Within the peer's budget.</summary>
    Accept,

    /// <summary>Over budget: dropped and counted.</summary>
    Drop,

    /// <summary>Over the origin budget for too long: dropped, and the peer is disconnected.</summary>
    Disconnect,
}

/// <summary>
/// Per-peer budgets of new announce request ids (threat H6): requests a peer originates (hops 0) and those it relays
/// (hops 1 or more) each pass a token bucket per session; the excess is dropped and counted. A peer overrunning its
/// origin budget for <see cref="PeerNetOptions.OriginFloodSeconds"/> consecutive seconds is disconnected and its source
/// put on probation for <see cref="PeerNetOptions.OriginFloodPenalty"/>. Relayed excess never disconnects: an honest
/// relay only passes a flood on. Owned by the router's loop: not thread-safe.
/// </summary>
internal sealed partial class RequestLimiter(PeerNetOptions options, PeerNetLimits limits, PeerNetMetrics metrics, ILogger logger)
{
    /// <summary>Sources on probation at once: a bounded list, the oldest forgotten first.</summary>
    public const int ProbationCapacity = 1024;

    private readonly ExpiringCache<string, bool> _probation = new(ProbationCapacity, TimeSpan.FromSeconds(Math.Max(1, options.OriginFloodPenalty)));

    /// <summary>Sources on probation right now (expired ones included until the next look-up).</summary>
    public int OnProbation => _probation.Count;

    /// <summary>As <see cref="Admit"/>: false when the request is dropped; a peer that keeps flooding is closed too.</summary>
    public bool TryAdmit(Peer from, uint hops, TimeSpan now)
    {
        var admission = Admit(from, hops, now);
        if (admission == RequestAdmission.Disconnect)
            _ = from.CloseAsync($"flooding: over OriginRequestRate ({options.OriginRequestRate}/s) for {options.OriginFloodSeconds} s");
        return admission == RequestAdmission.Accept;
    }

    /// <summary>Whether a new request of <paramref name="from"/> with <paramref name="hops"/> fits its budget at <paramref name="now"/>.</summary>
    public RequestAdmission Admit(Peer from, uint hops, TimeSpan now)
    {
        var budget = from.Requests ??= Open(from, now);
        if (hops > 0)
        {
            if (budget.Relayed.TryTake(now))
                return RequestAdmission.Accept;
            limits.RelayedRequests.Hit();
            metrics.MessageDropped("relayed_rate");
            Log.RelayedDropped(logger, from);
            return RequestAdmission.Drop;
        }
        if (budget.Origin.TryTake(now))
            return RequestAdmission.Accept;
        limits.OriginRequests.Hit();
        metrics.MessageDropped("origin_rate");
        Log.OriginDropped(logger, from);
        if (!budget.Overrun(now, options.OriginFloodSeconds))
            return RequestAdmission.Drop;
        if (options.OriginFloodPenalty > 0 && SourceOf(from) is { } source)
            _probation.Set(source, true, now);
        Log.Flooding(logger, from, budget.OverrunStreak);
        return RequestAdmission.Disconnect;
    }

    private RequestBudget Open(Peer peer, TimeSpan now)
    {
        var probation = options.OriginFloodPenalty > 0 && SourceOf(peer) is { } source && _probation.Contains(source, now);
        var budget = new RequestBudget(options, probation);
        if (probation)
            budget.Origin.Drain();
        return budget;
    }

    /// <summary>
    /// Who a session is, across reconnects: its remote IP's source prefix (the inbound caps' /24 or /64, each loopback IP
    /// its own) when there is one, so moving within one's own /64 does not leave probation; else the node id it claimed.
    /// </summary>
    private string? SourceOf(Peer peer) =>
        peer.RemoteEndPoint is IPEndPoint ip
            ? Addressing.SourcePrefix.Group(ip.Address, options.InboundPrefixV4, options.InboundPrefixV6).ToString()
            : peer.RemoteId?.ToString();

    private static partial class Log
    {
        // Event ids 503-509 (of the announce router's 500-519) belong to the request limiter. Next free: 506.
        [LoggerMessage(503, LogLevel.Debug, "Request limiter: dropped a request {Peer} originated: over its OriginRequestRate")]
        public static partial void OriginDropped(ILogger logger, Peer peer);

        [LoggerMessage(504, LogLevel.Debug, "Request limiter: dropped a request {Peer} relayed: over its RelayedRequestRate")]
        public static partial void RelayedDropped(ILogger logger, Peer peer);

        [LoggerMessage(505, LogLevel.Debug, "Request limiter: disconnecting {Peer}: over its OriginRequestRate for {Seconds} consecutive seconds")]
        public static partial void Flooding(ILogger logger, Peer peer, int seconds);
    }
}
