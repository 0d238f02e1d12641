using Microsoft.Extensions.Options;
using PeerNet.Gossip.Announcing;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Census;

/// <summary>
/// Runs a census: a <c>_pn.census</c> announce that every PeerNet node answers (<see cref="CensusResponder"/>), gathered
/// for a while into the nodes and links of the network. Original nodes forward it like any announce and relay the
/// answers; they appear as nodes their PeerNet neighbours listed. One census at a time; a census asked for within
/// <see cref="MinimumGap"/> of the last one gets that one's result (a census costs every node an answer).
/// </summary>
public sealed class CensusService : IDisposable
{
    /// <summary>Shortest time between two censuses this node runs.</summary>
    public static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(2);

    private readonly AnnounceRouter _router;
    private readonly CensusResponder _responder;
    private readonly RandomSource _random;
    private readonly TimeProvider _time;
    private readonly bool _enabled;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<CensusNode>? _last;
    private long _lastAt;

    /// <summary>Creates the census of a node.</summary>
    public CensusService(AnnounceRouter router, CensusResponder responder, IOptions<PeerNetOptions> options, RandomSource random, TimeProvider time)
    {
        _router = router;
        _responder = responder;
        _random = random;
        _time = time;
        _enabled = options.Value.Census;
    }

    /// <summary>How many nodes the last census found (this one included); null before the first.</summary>
    public int? LastSize => Volatile.Read(ref _last)?.Count;

    /// <summary>True when this node takes part in censuses (<see cref="PeerNetOptions.Census"/>).</summary>
    public bool IsEnabled => _enabled;

    /// <summary>Runs a census, gathering answers for <paramref name="timeout"/>; the nodes found, this one first.</summary>
    /// <exception cref="InvalidOperationException">Censuses are off on this node.</exception>
    public async Task<IReadOnlyList<CensusNode>> RunAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!_enabled)
            throw new InvalidOperationException("Censuses are off on this node (PeerNet:Census).");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_last is { } recent && _time.GetElapsedTime(_lastAt) < MinimumGap)
                return recent;
            var answers = new Dictionary<NodeId, CensusAnswer>();
            var self = _responder.Describe();
            answers[self.Node] = self;
            var request = new Announce
            {
                Id = Messages.NewId(_random),
                Hops = 0,
                Limit = 0,
                Type = MessageTypes.Census,
                Data = Google.Protobuf.ByteString.CopyFrom(CensusAnswer.FormatVersion),
            };
            await foreach (var response in _router.AnnounceReserved(request, timeout, cancellationToken).ConfigureAwait(false))
            {
                if (response.Type.Span.SequenceEqual(MessageTypes.Census.Span) && CensusAnswer.TryDecode(response.Data.Span) is { } answer)
                    answers.TryAdd(answer.Node, answer);
            }
            _last = Build(self.Node, answers);
            _lastAt = _time.GetTimestamp();
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The nodes: every answer, then every listed peer that did not answer, with the nodes that listed it.</summary>
    internal static IReadOnlyList<CensusNode> Build(NodeId self, IReadOnlyDictionary<NodeId, CensusAnswer> answers)
    {
        var nodes = new List<CensusNode>();
        var silent = new Dictionary<NodeId, (bool IsPeerNet, List<string> ListedBy)>();
        foreach (var answer in answers.Values.OrderBy(a => a.Node == self ? 0 : 1))
        {
            nodes.Add(new CensusNode(answer.Node.ToString(), answer.Version, IsPeerNet: true, [.. answer.Peers.Select(p => p.Id.ToString())]));
            foreach (var peer in answer.Peers)
            {
                if (answers.ContainsKey(peer.Id))
                    continue;
                if (!silent.TryGetValue(peer.Id, out var entry))
                    silent[peer.Id] = entry = (peer.IsPeerNet, []);
                entry.ListedBy.Add(answer.Node.ToString());
            }
        }
        foreach (var (id, (isPeerNet, listedBy)) in silent)
            nodes.Add(new CensusNode(id.ToString(), null, isPeerNet, listedBy));
        return nodes;
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
