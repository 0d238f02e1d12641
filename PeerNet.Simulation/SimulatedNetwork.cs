using PeerNet.Gossip.Dissemination;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Simulation;

/// <summary>
/// Routers joined by in-memory links with a fixed per-hop latency, driven by a <see cref="VirtualScheduler"/>.
/// No sockets and no threads: the real <see cref="IDisseminationRule"/> code, in virtual time.
/// </summary>
public sealed class SimulatedNetwork
{
    private readonly List<SimulatedNode> _nodes = new();
    private readonly RandomSource _random;
    private readonly SharedFrames _frames = new(); // one forwarded frame per hop count, not one per node
    private FrameCounts _sent;
    private int[] _receipts = [];
    private long _maxHops = -1;

    /// <summary>An empty network; frames take <paramref name="hopLatency"/> per link.</summary>
    public SimulatedNetwork(RandomSource random, TimeSpan hopLatency, VirtualScheduler? scheduler = null)
    {
        _random = random ?? throw new ArgumentNullException(nameof(random));
        HopLatency = hopLatency;
        Scheduler = scheduler ?? new VirtualScheduler();
    }

    /// <summary>The clock and event queue of every router here.</summary>
    public VirtualScheduler Scheduler { get; }

    /// <summary>Time a frame takes over one link.</summary>
    public TimeSpan HopLatency { get; }

    /// <summary>Every node, by index.</summary>
    public IReadOnlyList<SimulatedNode> Nodes => _nodes;

    /// <summary>Full announce frames sent by every node (sends to dead peers included).</summary>
    public long CopiesSent => _sent.Copies;

    /// <summary>Control frames sent by every node.</summary>
    public long ControlFramesSent => _sent.Control;

    /// <summary>Frames sent by every node, by kind; <see cref="FrameCounts.GraftAnswers"/> as of the last broadcast.</summary>
    public FrameCounts Sent => _sent;

    /// <summary>Frames lost because the receiver is dead.</summary>
    public long Lost { get; private set; }

    /// <summary>Control frames sent to original nodes (must stay 0).</summary>
    public long ControlFramesToOriginals { get; private set; }

    /// <summary>Requests the receiver discarded for their hop count (the wire limits).</summary>
    public long Discarded { get; private set; }

    /// <summary>Raised for each request a router accepted as new (its node delivers it to the application).</summary>
    public event Action<SimulatedNode, Announce>? Delivered;

    /// <summary>Adds a PeerNet node with its own router.</summary>
    public SimulatedNode AddNode(DisseminationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var router = IDisseminationRule.Create(settings, Scheduler, _random, _frames);
        var node = new SimulatedNode(this, _nodes.Count, router, settings.MaxHops, isOriginal: false);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Adds an original peernet node: own announces to all, others' to 3 random peers, hop limit 15.</summary>
    public SimulatedNode AddOriginalNode()
    {
        var settings = new DisseminationSettings
        {
            Rule = DisseminationRule.RandomFanout,
            Fanout = 3,
            MaxHops = ProtocolLimits.OriginalMaxHops,
        };
        var node = new SimulatedNode(this, _nodes.Count, IDisseminationRule.Create(settings, Scheduler, _random, _frames), settings.MaxHops, isOriginal: true);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Links two nodes (both routers get the link); false for a node itself or an existing link.</summary>
    public bool Connect(int a, int b)
    {
        if (a == b || AreLinked(a, b))
            return false;
        var left = _nodes[a];
        var right = _nodes[b];
        var forward = new SimulatedLink(right);
        var backward = new SimulatedLink(left) { Reverse = forward };
        forward.Reverse = backward;
        left.Links.Add(forward);
        right.Links.Add(backward);
        left.Router.AddLink(forward);
        right.Router.AddLink(backward);
        return true;
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> share a link.</summary>
    public bool AreLinked(int a, int b)
    {
        // Scan the shorter list: hubs have many links.
        var (x, y) = _nodes[a].Links.Count <= _nodes[b].Links.Count ? (a, b) : (b, a);
        foreach (var link in _nodes[x].Links)
        {
            if (link.Peer.Index == y)
                return true;
        }
        return false;
    }

    /// <summary>Kills a node: frames to it are lost from now on; its peers are not told.</summary>
    public void Kill(int node) => _nodes[node].IsAlive = false;

    /// <summary>Removes the link between two nodes at both ends (as when a session closes).</summary>
    public void Disconnect(int a, int b)
    {
        var link = _nodes[a].Links.Find(l => l.Peer.Index == b);
        if (link is null)
            return;
        _nodes[a].Links.Remove(link);
        _nodes[b].Links.Remove(link.Reverse);
        _nodes[a].Router.RemoveLink(link);
        _nodes[b].Router.RemoveLink(link.Reverse);
    }

    /// <summary>Live nodes connected to <paramref name="source"/> through live nodes (the source included).</summary>
    public int CountReachable(int source)
    {
        if (!_nodes[source].IsAlive)
            return 0;
        var visited = new bool[_nodes.Count];
        var queue = new int[_nodes.Count];
        int head = 0, tail = 0;
        visited[source] = true;
        queue[tail++] = source;
        while (head < tail)
        {
            foreach (var link in _nodes[queue[head++]].Links)
            {
                var next = link.Peer.Index;
                if (!visited[next] && link.Peer.IsAlive)
                {
                    visited[next] = true;
                    queue[tail++] = next;
                }
            }
        }
        return tail;
    }

    /// <summary>
    /// <paramref name="source"/> publishes <paramref name="request"/>; runs to quiescence and tells who got it.
    /// </summary>
    public BroadcastResult Broadcast(int source, Announce request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_receipts.Length != _nodes.Count)
            _receipts = new int[_nodes.Count];
        else
            Array.Clear(_receipts);
        _maxHops = -1;
        _frames.Clear();
        var before = _sent;
        var started = Scheduler.Now;

        _receipts[source] = 1;
        _nodes[source].Router.Publish(request);
        Scheduler.RunUntilIdle();

        int reached = 0, duplicated = 0;
        foreach (var count in _receipts)
        {
            if (count > 0) reached++;
            if (count > 1) duplicated++;
        }
        _sent = _sent with { GraftAnswers = GraftsServed() };
        var frames = _sent - before;
        return new BroadcastResult(reached, duplicated, (int)_maxHops, frames.Copies, frames.Control, Scheduler.Now - started) { Frames = frames };
    }

    private long GraftsServed()
    {
        long served = 0;
        foreach (var node in _nodes)
            served += node.Router.Counters.GraftsServed;
        return served;
    }

    /// <summary>How many times the router of <paramref name="node"/> accepted a request as new in the last broadcast.</summary>
    public int ReceiptsOf(int node) => node < _receipts.Length ? _receipts[node] : 0;

    internal void Carry(SimulatedLink link, Message message)
    {
        _sent = FrameCounts.Add(_sent, message);
        if (message.KindCase != Message.KindOneofCase.Request && link.Peer.IsOriginal)
            ControlFramesToOriginals++;
        if (Reaches(link))
            Scheduler.Deliver(HopLatency, link.Reverse, message);
    }

    internal void Carry(SimulatedLink link, ControlFrame frame)
    {
        _sent = FrameCounts.Add(_sent, frame);
        if (link.Peer.IsOriginal)
            ControlFramesToOriginals++;
        if (Reaches(link))
            Scheduler.Deliver(HopLatency, link.Reverse, frame);
    }

    /// <summary>False (and counted lost) when the far end is dead: a send to it is lost on the way.</summary>
    private bool Reaches(SimulatedLink link)
    {
        if (link.Peer.IsAlive)
            return true;
        Lost++;
        return false;
    }

    internal void Arrive(SimulatedLink link, ControlFrame frame)
    {
        if (!link.Node.IsOriginal) // an original node skips the unknown field: an empty message
            link.Node.Router.OnControl(link, frame);
    }

    internal void Arrive(SimulatedLink link, Message message)
    {
        var node = link.Node;
        switch (message.KindCase)
        {
            case Message.KindOneofCase.Request:
                var request = message.Request;
                // What the session's validator does before the router sees a request.
                if (!HopRule.Accepts(request.Hops, request.Limit, node.MaxHops))
                {
                    Discarded++;
                    return;
                }
                if (!node.Router.OnRequest(link, request, out _))
                    return;
                if (node.Index < _receipts.Length)
                    _receipts[node.Index]++;
                if (request.Hops > _maxHops)
                    _maxHops = request.Hops;
                Delivered?.Invoke(node, request);
                break;
            case Message.KindOneofCase.Control:
                Arrive(link, ControlFrame.From(message.Control));
                break;
        }
    }
}
