using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using PeerNet.Peers;
using PeerNet.Protocol.Wire;

namespace PeerNet.Identity;

/// <summary>
/// The announce router's check of signed messages before it delivers or forwards them: a forgery (see
/// <see cref="MessageSignature.Forgery"/>) is dropped, counted (metric <c>peernet.announces.forged</c>, the peer's
/// discarded messages) and logged at Debug; a peer that sends <see cref="PeerNetLimits.MaxForgeriesPerSession"/> is
/// closed. Unsigned messages pass at the cost of two presence checks.
/// </summary>
internal sealed partial class ForgeryFilter(PeerNetMetrics metrics, ILogger logger)
{
    /// <summary>True when <paramref name="message"/> from <paramref name="from"/> is a forgery and was dropped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Drops(Peer from, Announce message, bool response) =>
        (message.HasSigner || message.HasSignature) && DropsSigned(from, message, response);

    private bool DropsSigned(Peer from, Announce message, bool response)
    {
        if (MessageSignature.Forgery(message, response) is not { } reason)
            return false;
        metrics.Forged(response);
        Interlocked.Increment(ref from.Counters.Discarded);
        Log.Forged(logger, from, response ? "response" : "request", Convert.ToHexStringLower(message.Id.Span), reason);
        if (++from.Forgeries == PeerNetLimits.MaxForgeriesPerSession)
            _ = from.CloseAsync($"sent {PeerNetLimits.MaxForgeriesPerSession} forged signed messages");
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(510, LogLevel.Debug, "Announce router: dropped a forged {Kind} {Id} from {Peer}: {Reason}")]
        public static partial void Forged(ILogger logger, Peer peer, string kind, string id, string reason);
    }
}
