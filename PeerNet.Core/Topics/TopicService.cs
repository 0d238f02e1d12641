using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PeerNet.Gossip.Announcing;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Topics;

/// <summary>
/// Topics (subnets), <c>node.Topics</c>: join a topic with the application's own addresses, and find the members
/// registered anywhere in the network. A lookup is a <c>_pn.topic</c> announce carrying the topic's hash; it spreads
/// with the node's dissemination rule, and the PeerNet nodes holding members answer back along its path
/// (<see cref="TopicResponder"/>, <see cref="TopicWire"/>). Original nodes forward it and relay the answers.
/// </summary>
public sealed partial class TopicService
{
    /// <summary>
    /// Answer frames one responder may give one lookup: enough for a full sample of members (at most
    /// <see cref="PeerNetOptions.TopicAnswerSample"/>, several to a 1024-byte frame); more are dropped before they count
    /// toward <see cref="PeerNetOptions.TopicAnswersPerLookup"/>.
    /// </summary>
    public const int AnswersPerResponder = 8;

    /// <summary>Longest time a lookup may wait for answers.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    private readonly TopicRegistry _registry;
    private readonly AnnounceRouter _router;
    private readonly PeerNetOptions _options;
    private readonly PeerNetLimits _limits;
    private readonly PeerNetMetrics _metrics;
    private readonly RandomSource _random;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FoundMembers _found;
    private readonly string _self;

    /// <summary>Creates the topics of a node.</summary>
    public TopicService(TopicRegistry registry, AnnounceRouter router, NodeIdentity identity, IOptions<PeerNetOptions> options, PeerNetLimits limits,
        PeerNetMetrics metrics, RandomSource random, TimeProvider time, ILogger<TopicService> logger)
    {
        _registry = registry;
        _router = router;
        _options = options.Value;
        _limits = limits;
        _metrics = metrics;
        _random = random;
        _time = time;
        _logger = logger;
        _self = identity.Id.ToString();
        _found = new FoundMembers(_options, limits, time);
    }

    /// <summary>
    /// Registers <paramref name="addresses"/> (the application's own, opaque strings of up to 255 bytes that PeerNet
    /// never dials) as members of <paramref name="topic"/> on this node for <paramref name="ttl"/> (at most 20 minutes),
    /// renewed by the returned registration every half <paramref name="ttl"/> until it is disposed, which removes them.
    /// </summary>
    /// <exception cref="ArgumentException">The topic, an address or the ttl is invalid; the parameter name says which.</exception>
    /// <exception cref="TopicLimitException">A bound of the node would be passed.</exception>
    public ValueTask<TopicRegistration> JoinAsync(string topic, IEnumerable<string> addresses, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        cancellationToken.ThrowIfCancellationRequested();
        var list = addresses.ToList();
        _registry.Register(topic, list, ttl, owner: null);
        return ValueTask.FromResult(new TopicRegistration(_registry, topic, list, ttl, _time, _logger));
    }

    /// <summary>
    /// Finds members of <paramref name="topic"/>: this node's own first, then those its cache holds, then the network's
    /// as their answers arrive. Ends as soon as <paramref name="max"/> members are in, or when <paramref name="timeout"/>
    /// passes; throws <see cref="OperationCanceledException"/> when cancelled. At most
    /// <see cref="PeerNetOptions.TopicMembersPerResponder"/> members of one responding node count toward max until the
    /// lookup ends short of it.
    /// </summary>
    /// <exception cref="ArgumentException">The topic, max (1 to 100) or timeout (up to 60 s) is invalid (thrown by this call).</exception>
    public IAsyncEnumerable<TopicMember> FindAsync(string topic, int max, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (TopicName.Check(topic) is { } error)
            throw new ArgumentException(error, nameof(topic));
        if (max < 1 || max > PeerNetLimits.MaxTopicFindMembers)
            throw new ArgumentOutOfRangeException(nameof(max), max, $"max must be 1 to {PeerNetLimits.MaxTopicFindMembers}.");
        if (timeout <= TimeSpan.Zero || timeout > MaxTimeout)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"timeout must be positive and at most {MaxTimeout.TotalSeconds:0} s.");
        return FindCoreAsync(TopicName.Hash(topic), max, timeout, cancellationToken);
    }

    /// <summary>As <see cref="TopicRegistry.Register"/>: a REST client's registration (<paramref name="owner"/>: its IP), which it must renew itself.</summary>
    public TopicRegistrationResult Register(string topic, IReadOnlyList<string> addresses, TimeSpan ttl, string? owner) =>
        _registry.Register(topic, addresses, ttl, owner);

    /// <summary>Removes <paramref name="addresses"/> from <paramref name="topic"/> on this node; returns how many were members.</summary>
    public int Leave(string topic, IReadOnlyList<string> addresses) => _registry.Remove(topic, addresses);

    /// <summary>The topics this node holds members of.</summary>
    public IReadOnlyList<RegisteredTopic> List() => _registry.List();

    private async IAsyncEnumerable<TopicMember> FindCoreAsync(byte[] hash, int max, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var hex = Convert.ToHexStringLower(hash);
        var selection = new MemberSelection(max, _options.TopicMembersPerResponder);
        foreach (var (address, age) in _registry.Sample(hex, max, _random))
        {
            var own = new TopicMember(address, _self, age);
            if (selection.TakeOwn(own))
                yield return own;
        }
        foreach (var cached in _found.Get(hex))
        {
            if (selection.Offer(cached) == Offered.Taken)
                yield return cached;
        }
        if (selection.IsFull)
        {
            _metrics.TopicLookup("cached");
            yield break;
        }
        _metrics.TopicLookup("network");
        var request = new Announce
        {
            Id = Messages.NewId(_random),
            Hops = 0,
            Limit = 0,
            Type = MessageTypes.TopicFind,
            Data = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(TopicWire.EncodeLookup(hash, max)),
        };
        var found = new List<TopicMember>();
        var answers = 0;
        // Bounded: only answers within TopicAnswersPerLookup add a responder.
        var perResponder = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            await using (var responses = _router.AnnounceReserved(request, timeout, cancellationToken).GetAsyncEnumerator(cancellationToken))
            {
                while (!selection.IsFull && await responses.MoveNextAsync().ConfigureAwait(false))
                {
                    var response = responses.Current;
                    if (TopicWire.TryDecodeAnswer(response.Data.Span) is not { } answer || !answer.Hash.AsSpan().SequenceEqual(hash))
                    {
                        _metrics.TopicMembersDropped("invalid");
                        Log.Unreadable(_logger, hex);
                        continue;
                    }
                    var node = answer.Node.ToString();
                    if (answers >= _options.TopicAnswersPerLookup)
                    {
                        if (answers++ == _options.TopicAnswersPerLookup)
                        {
                            _limits.TopicAnswers.Hit();
                            Log.TooManyAnswers(_logger, hex, _options.TopicAnswersPerLookup);
                        }
                        _metrics.TopicMembersDropped("over_answers");
                        continue;
                    }
                    // A responder's frames past its share do not spend the lookup's budget: one node sending without end
                    // must not use up the answers honest responders still have to give (distinct responders first).
                    ref var fromNode = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perResponder, node, out _);
                    if (++fromNode > AnswersPerResponder)
                    {
                        _metrics.TopicMembersDropped("over_responder");
                        continue;
                    }
                    answers++;
                    foreach (var (address, age) in answer.Members)
                    {
                        var member = new TopicMember(address, node, age);
                        switch (selection.Offer(member))
                        {
                            case Offered.Taken:
                                found.Add(member);
                                yield return member;
                                break;
                            case Offered.HeldBack:
                                _limits.TopicResponderMembers.Hit();
                                _metrics.TopicMembersDropped("over_responder");
                                break;
                            default:
                                _metrics.TopicMembersDropped("duplicate");
                                break;
                        }
                        if (selection.IsFull)
                            break;
                    }
                }
            }
            // Ended short of max: the members held back (responders past their share) fill up what they can.
            foreach (var member in selection.DrainHeld())
            {
                found.Add(member);
                yield return member;
            }
        }
        finally
        {
            _found.Add(hex, found);
        }
    }

    private static partial class Log
    {
        // Event ids 565-569 (of the topics' 560-569) belong to the topic service (567: TopicRegistration). Next free: 568.
        [LoggerMessage(565, LogLevel.Debug, "Topics: a lookup of {Hash} got more than {Max} answers (TopicAnswersPerLookup); the rest are dropped")]
        public static partial void TooManyAnswers(ILogger logger, string hash, int max);

        [LoggerMessage(566, LogLevel.Debug, "Topics: dropped an answer to a lookup of {Hash}: not an answer of that topic this node can read")]
        public static partial void Unreadable(ILogger logger, string hash);
    }
}
