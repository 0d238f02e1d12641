using System.Text;
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
/// This node's side of node exchange: asks handshaken peers for <see cref="PeerNetOptions.Size"/> addresses
/// (<c>_addrs</c>) and saves what answers its own requests, after validation and the <see cref="AddressScope"/>
/// check, skipping tombstoned addresses (the store does that in the same transaction). Answering peers' requests
/// is the session's job. Thread-safe: responses arrive on every peer's read loop.
/// </summary>
public sealed partial class NodeExchange
{
    /// <summary>
    /// Most addresses accepted per request: an original peer also relays its own peers' answers to us (each twice),
    /// so a little over Size is normal; far more is a peer stuffing the store.
    /// </summary>
    public const int AnswerAllowanceFactor = 8;

    private readonly PeerStore _store;
    private readonly AddressScope _scope;
    private readonly PeerNetOptions _options;
    private readonly RandomSource _random;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    // One outstanding request per peer: bounded by the number of peers.
    private readonly Dictionary<PeerSession, Pending> _pending = [];
    private long _asked, _learned, _refused, _unsolicited, _dropped;

    /// <summary>Creates the node exchange of a node.</summary>
    public NodeExchange(PeerStore store, NodeIdentity identity, IOptions<PeerNetOptions> options, RandomSource random, ILogger<NodeExchange> logger)
    {
        _store = store;
        _scope = AddressScope.For(identity.Advertised);
        _options = options.Value;
        _random = random;
        _logger = logger;
    }

    /// <summary>_addrs requests sent.</summary>
    public long Asked => Interlocked.Read(ref _asked);

    /// <summary>Addresses accepted from answers and queued for saving (tombstoned ones are skipped by the store).</summary>
    public long Learned => Interlocked.Read(ref _learned);

    /// <summary>Addresses refused: invalid, out of scope, or past the per-request allowance.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>_addrs responses that answer no request of ours to that peer.</summary>
    public long Unsolicited => Interlocked.Read(ref _unsolicited);

    /// <summary>Learned addresses dropped because the store's write queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Asks <paramref name="peer"/> for addresses; a newer request replaces the unanswered rest of the previous one.</summary>
    public bool Ask(PeerSession peer)
    {
        var id = Messages.NewId(_random);
        lock (_gate)
        {
            _pending[peer] = new Pending(id); // replaces the previous request's
        }
        if (!peer.TrySend(Messages.AddrsRequest(id, _options.Size)))
        {
            Forget(peer);
            return false;
        }
        Interlocked.Increment(ref _asked);
        return true;
    }

    /// <summary>The peer is gone: its request will not be answered.</summary>
    public void Forget(PeerSession peer)
    {
        lock (_gate)
        {
            _pending.Remove(peer);
        }
    }

    /// <summary>An _addrs response from <paramref name="peer"/>: saved when it answers our request to that peer.</summary>
    public void OnResponse(PeerSession peer, Announce response)
    {
        bool accepted;
        lock (_gate)
        {
            accepted = _pending.TryGetValue(peer, out var pending) && pending.Id.Equals(response.Reply);
            if (accepted && ++pending!.Answers > _options.Size * AnswerAllowanceFactor)
            {
                Interlocked.Increment(ref _refused);
                LogRefused(peer, response.Data, "more answers than the request allows");
                return;
            }
        }
        if (!accepted)
        {
            // The original relays answers to others' requests: expected, never trusted.
            Interlocked.Increment(ref _unsolicited);
            Log.Unsolicited(_logger, peer);
            return;
        }

        var text = DecodeAddress(response.Data);
        string? refusal;
        PeerAddress? address = null;
        if (text is null)
            refusal = "not UTF-8 text";
        // Learned addresses must be ws, wss or tcp (the wire spec): a custom transport's scheme is for explicit saves.
        else if (!PeerAddress.TryParse(text, out address, out var error))
            refusal = error;
        else
            refusal = _scope.Refusal(address);
        if (refusal is not null)
        {
            Interlocked.Increment(ref _refused);
            LogRefused(peer, response.Data, refusal);
            return;
        }

        // The store's writer batches these (and the counters) into few transactions.
        if (!_store.TrySaveLearned([address!]))
        {
            Interlocked.Increment(ref _dropped);
            Log.StoreFull(_logger, address!.Value);
            return;
        }
        Interlocked.Increment(ref _learned);
        if (peer.Address is { } from)
            _store.TryRecord(from, StatField.NodesRx);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? DecodeAddress(ByteString data)
    {
        try
        {
            return StrictUtf8.GetString(data.Span);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private sealed class Pending(ByteString id)
    {
        public ByteString Id { get; } = id;

        public int Answers { get; set; }
    }

    /// <summary>Describes the refused bytes only when Debug is on: a flooding peer must not pay for the text.</summary>
    private void LogRefused(PeerSession peer, ByteString data, string reason)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
            Log.Refused(_logger, peer, Messages.Describe(data), reason);
    }

    private static partial class Log
    {
        // Event ids 420-439 belong to node exchange. Next free: 423.
        [LoggerMessage(420, LogLevel.Debug, "Node exchange: refused address '{Address}' from {Peer}: {Reason}")]
        public static partial void Refused(ILogger logger, PeerSession peer, string address, string reason);

        [LoggerMessage(421, LogLevel.Debug, "Node exchange: dropped an _addrs response from {Peer} that answers no request of ours to it")]
        public static partial void Unsolicited(ILogger logger, PeerSession peer);

        [LoggerMessage(422, LogLevel.Debug, "Node exchange: store write queue full, dropped learned address {Address}")]
        public static partial void StoreFull(ILogger logger, string address);
    }
}
