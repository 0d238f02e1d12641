using Microsoft.Extensions.Logging;
using PeerNet.Protocol;

namespace PeerNet.Peers;

/// <summary>What every session of a node shares: who the node is, its options, clock and randomness, its bounds and
/// counters, and the handlers its sessions give messages to (one per kind, fixed at construction).</summary>
internal sealed class SessionContext(
    Identity.NodeKey key,
    HelloExtension extension,
    PeerNetOptions options,
    RandomSource random,
    TimeProvider time,
    PeerNetLimits limits,
    PeerNetMetrics metrics,
    IAddrsHandler exchange,
    IAnnounceHandler announces,
    ILogger logger)
{
    public NodeId Self { get; } = key.Id;

    /// <summary>The node's key: signs the _hello proof and the node's signed replies.</summary>
    public Identity.NodeKey Key { get; } = key;

    public HelloExtension Extension { get; } = extension;

    public PeerNetOptions Options { get; } = options;

    public RandomSource Random { get; } = random;

    public TimeProvider Time { get; } = time;

    public PeerNetLimits Limits { get; } = limits;

    public PeerNetMetrics Metrics { get; } = metrics;

    /// <summary>Node exchange: gets <c>_addrs</c> requests and answers.</summary>
    public IAddrsHandler Exchange { get; } = exchange;

    /// <summary>The announce router: gets announces, replies and control frames of handshaken peers.</summary>
    public IAnnounceHandler Announces { get; } = announces;

    public ILogger Logger { get; } = logger;
}
