using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Addressing;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Storage;

namespace PeerNet.Gossip;

/// <summary>
/// Node exchange, both sides. Asking: handshaken peers are asked for <see cref="PeerNetOptions.Size"/> addresses
/// (<c>_addrs</c>) when they connect and every <see cref="PeerNetOptions.Interval"/>; what answers this node's own
/// request is saved after validation and the <see cref="AddressScope"/> check, skipping tombstoned addresses (the
/// store does that in the same transaction). Answering: a peer's own request (hops 0) gets advertised addresses
/// first, then a random sample of the store. Per-peer state lives on the peer (<see cref="ExchangeState"/>).
/// Thread-safe: requests and responses arrive on every peer's read loop.
/// </summary>
public sealed partial class NodeExchange : IAddrsHandler
{
    private readonly PeerStore _store;
    private readonly AddressScope _scope;
    private readonly PeerNetOptions _options;
    private readonly IReadOnlyList<string> _advertised;
    private readonly RandomSource _random;
    private readonly PeerNetMetrics _metrics;
    private readonly PeerNetLimits _limits;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the node exchange of a node.</summary>
    public NodeExchange(PeerStore store, NodeIdentity identity, IOptions<PeerNetOptions> options, RandomSource random,
        PeerNetMetrics metrics, PeerNetLimits limits, TimeProvider time, ILogger<NodeExchange> logger)
    {
        _time = time;
        _store = store;
        _scope = identity.Scope; // the node's gossip scope, private-address policy included
        _options = options.Value;
        _advertised = identity.AdvertisedAddresses;
        _random = random;
        _metrics = metrics;
        _limits = limits;
        _logger = logger;
        _learnBudget = new LearnBudget(_options.LearnRate, _options.LearnBurst, time);
        _ownBudget = new LearnBudget(OwnAddressRate, OwnAddressBurst, time);
    }

    /// <summary>
    /// Addresses on a peer's own host one source may hand over at once without spending its learning budget: an honest
    /// node has a few (ws, wss, tcp, an old port), so its own stay learnable however many third-party ones it relayed;
    /// an attacker naming fake ports of its own host gets no more than these past the budget.
    /// </summary>
    public const int OwnAddressBurst = 8;

    /// <summary>How fast that allowance refills: one a minute (a node restarted on a new port is learned again).</summary>
    public const double OwnAddressRate = 1.0 / 60;

    private readonly LearnBudget _learnBudget;
    private readonly LearnBudget _ownBudget;

    /// <summary>Asks <paramref name="peer"/> for addresses; a newer request replaces the unanswered rest of the previous one.</summary>
    public bool Ask(Peer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var id = Messages.NewOwnedId(_random);
        var state = peer.Exchange;
        lock (state.Gate)
        {
            state.PendingId = id;
            state.Answers = 0;
        }
        if (!peer.TrySend(Messages.AddrsRequest(id, _options.Size)))
        {
            lock (state.Gate)
                state.PendingId = null;
            return false;
        }
        _metrics.ExchangeAsked();
        return true;
    }

    void IAddrsHandler.OnPeerUp(Peer peer)
    {
        // A request held until the handshake completed is answered now (the original asks before it answers our _hello).
        Announce? held;
        lock (peer.Exchange.Gate)
        {
            held = peer.Exchange.Held;
            peer.Exchange.Held = null;
        }
        if (held is not null)
            Answer(peer, held);
        // Ask at once, as the original does: a new node learns the network in its first second.
        if (_options.Interval > 0)
            Ask(peer);
    }

    void IAddrsHandler.OnAddrsRequest(Peer peer, Announce request)
    {
        // Answered only for the peer itself (hops 0): the original relays others' requests one hop on.
        if (request.Hops != 0)
        {
            Ignore(peer, "relayed _addrs request");
            return;
        }
        // Nothing is answered to a peer that has not completed its handshake: one early request is held until then.
        if (!peer.IsHandshaken && peer.HandshakenAt is null)
        {
            lock (peer.Exchange.Gate)
            {
                if (peer.Exchange.Held is null)
                {
                    peer.Exchange.Held = request;
                    return;
                }
            }
            Ignore(peer, "a second _addrs request before the handshake completed");
            return;
        }
        Answer(peer, request);
    }

    /// <summary>
    /// The first request of a connection is always answered; later ones at most once per
    /// <see cref="AnswerInterval"/> (a peer asking in a loop gets the rest dropped), from a cached store sample.
    /// </summary>
    private void Answer(Peer peer, Announce request)
    {
        var state = peer.Exchange;
        var now = _time.GetTimestamp();
        lock (state.Gate)
        {
            if (state.AnsweredAt != 0 && _time.GetElapsedTime(state.AnsweredAt, now) < AnswerInterval)
            {
                Ignore(peer, "_addrs request within the answer interval of the last one");
                return;
            }
            state.AnsweredAt = now;
        }
        // One answer in flight per peer: a peer flooding requests gets the rest dropped, not a task each.
        if (Interlocked.CompareExchange(ref state.Answering, 1, 0) != 0)
        {
            Ignore(peer, "_addrs request while the previous one is being answered");
            return;
        }
        _ = AnswerAsync(peer, request);
    }

    /// <summary>
    /// How often a peer's _addrs requests are answered at most: once per Interval (5 s when node exchange is off), less
    /// a quarter, so an honest peer asking every Interval is not refused for its timer's jitter.
    /// </summary>
    private TimeSpan AnswerInterval => TimeSpan.FromMilliseconds((_options.Interval > 0 ? _options.Interval : 5000) * 0.75);

    void IAddrsHandler.OnAddrsResponse(Peer peer, Announce response)
    {
        var state = peer.Exchange;
        bool accepted;
        lock (state.Gate)
        {
            accepted = state.PendingId is { } id && id.Equals(response.Reply);
            if (accepted && ++state.Answers > _limits.ExchangeAllowance.Capacity)
            {
                _limits.ExchangeAllowance.Hit();
                Refuse(peer, response.Data, "allowance", "more answers than the request allows");
                return;
            }
        }
        if (!accepted)
        {
            // The original relays answers to others' requests: expected, never trusted.
            _metrics.AddressRefused("unsolicited");
            Log.Unsolicited(_logger, peer);
            return;
        }

        var text = Announcing.Utf8Text.TryDecode(response.Data.Span);
        PeerAddress? address = null;
        // Learned addresses must be ws, wss or tcp (the wire spec): a custom transport's scheme is for explicit saves.
        if (text is null)
        {
            Refuse(peer, response.Data, "invalid", "not UTF-8 text");
            return;
        }
        if (!PeerAddress.TryParse(text, out address, out var error))
        {
            Refuse(peer, response.Data, "invalid", error);
            return;
        }
        if (_scope.Refusal(address) is { } outOfScope)
        {
            Refuse(peer, response.Data, "scope", outOfScope);
            return;
        }
        address = address.WithoutQuery();

        // A peer's own addresses (on the host it connects from, or the one dialled) spend a small allowance of their own
        // (then the common budget); third-party ones spend the source's budget. Reconnecting refills neither.
        var source = (peer.RemoteEndPoint as System.Net.IPEndPoint)?.Address;
        if (!(IsOwnAddressOf(peer, source, address) && _ownBudget.TryTake(source)) && !_learnBudget.TryTake(source))
        {
            Refuse(peer, response.Data, "rate", "the source's learning budget is spent");
            return;
        }

        // The store's writer batches these (and the counters) into few transactions.
        if (!_store.TrySaveLearned([address], source))
        {
            _metrics.AddressRefused("store_full");
            Log.StoreFull(_logger, address.Value);
            return;
        }
        _metrics.AddressLearned();
        if (peer.Address is { } from)
            _store.TryRecord(from, StatField.NodesRx);
    }

    private static bool IsOwnAddressOf(Peer peer, System.Net.IPAddress? source, PeerAddress address)
    {
        if (peer.Address is { } dialled && string.Equals(dialled.Host, address.Host, StringComparison.Ordinal))
            return true;
        if (source is null)
            return false;
        return AddressScope.TryGetIp(address, out var ip) && ip.Equals(source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source);
    }

    private async Task AnswerAsync(Peer peer, Announce request)
    {
        try
        {
            var count = Messages.RequestedAddressCount(request.Data, PeerNetLimits.MaxAddressesPerAnswer);
            var addresses = await PickAsync(count, peer.Closing).ConfigureAwait(false);
            var sent = 0;
            foreach (var address in addresses)
            {
                var response = Messages.AddrsResponse(Messages.NewId(_random), request.Id, request.Limit, address);
                if (!await peer.SendAsync(response, peer.Closing).ConfigureAwait(false))
                    break;
                sent++;
            }
            _metrics.AddressesSent(sent);
            if (sent > 0 && peer.Address is { } address1)
                _store.TryRecord(address1, StatField.NodesTx, sent);
        }
        catch (OperationCanceledException) when (peer.Closing.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.AnswerFailed(_logger, ex, peer);
        }
        finally
        {
            Volatile.Write(ref peer.Exchange.Answering, 0);
        }
    }

    /// <summary>
    /// Addresses to answer with: advertised ones first, then a random sample of the store, drawn at most once a second
    /// for every peer asking (many peers asking at once cost one store query, not one each).
    /// </summary>
    private async Task<IReadOnlyList<string>> PickAsync(int count, CancellationToken cancellationToken)
    {
        if (count <= 0)
            return [];
        var picked = _advertised.Take(count).ToList();
        if (picked.Count < count)
        {
            // A random part of the shared sample (peers asking in the same second do not all get the same addresses),
            // as trusted as a dial sample: a flood of learned addresses is not handed on.
            var sample = await SampleAsync(cancellationToken).ConfigureAwait(false);
            picked.AddRange(sample.Take(count - picked.Count, _options.SampleTrustedShare, _random));
        }
        return picked;
    }

    private async Task<AddressSample> SampleAsync(CancellationToken cancellationToken)
    {
        Task<AddressSample> sample;
        lock (_sampleGate)
        {
            if (_sample is null || _sample.IsFaulted || _sample.IsCanceled || _time.GetElapsedTime(_sampledAt) >= SampleLifetime)
            {
                _sample = _store.SamplePartsAsync(PeerNetLimits.MaxAddressesPerAnswer, CancellationToken.None);
                _sampledAt = _time.GetTimestamp();
            }
            sample = _sample;
        }
        return await sample.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static readonly TimeSpan SampleLifetime = TimeSpan.FromSeconds(1);
    private readonly Lock _sampleGate = new();
    private Task<AddressSample>? _sample;
    private long _sampledAt;

    private void Ignore(Peer peer, string reason)
    {
        Interlocked.Increment(ref peer.Counters.Unsolicited);
        _metrics.MessageDropped("unsolicited");
        Log.Ignored(_logger, peer, reason);
    }

    /// <summary>Describes the refused bytes only when Debug is on: a flooding peer must not pay for the text.</summary>
    private void Refuse(Peer peer, ByteString data, string tag, string reason)
    {
        _metrics.AddressRefused(tag);
        if (_logger.IsEnabled(LogLevel.Debug))
            Log.Refused(_logger, peer, Messages.Describe(data), reason);
    }

    private static partial class Log
    {
        // Event ids 420-439 belong to node exchange. Next free: 425.
        [LoggerMessage(420, LogLevel.Debug, "Node exchange: refused address '{Address}' from {Peer}: {Reason}")]
        public static partial void Refused(ILogger logger, Peer peer, string address, string reason);

        [LoggerMessage(421, LogLevel.Debug, "Node exchange: dropped an _addrs response from {Peer} that answers no request of ours to it")]
        public static partial void Unsolicited(ILogger logger, Peer peer);

        [LoggerMessage(422, LogLevel.Debug, "Node exchange: store write queue full, dropped learned address {Address}")]
        public static partial void StoreFull(ILogger logger, string address);

        [LoggerMessage(423, LogLevel.Debug, "Node exchange: ignored a request from {Peer}: {Reason}")]
        public static partial void Ignored(ILogger logger, Peer peer, string reason);

        [LoggerMessage(424, LogLevel.Debug, "Node exchange: answering {Peer}'s _addrs request failed")]
        public static partial void AnswerFailed(ILogger logger, Exception exception, Peer peer);
    }
}
