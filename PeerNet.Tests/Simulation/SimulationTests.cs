using PeerNet.Tests.Gossip.Dissemination;
using PeerNet.Gossip.Dissemination;
using PeerNet.Simulation;
using PeerNet.Protocol.Wire;

namespace PeerNet.Tests.Simulation;

/// <summary>Whole networks of real routers in virtual time (50 ms per hop, the default 800 ms GRAFT timeout).</summary>
public class SimulationTests
{
    private static readonly TimeSpan Hop = TimeSpan.FromMilliseconds(50);

    private static SimulatedNetwork Network(int nodes, int seed, DisseminationSettings? settings = null)
    {
        var network = new SimulatedNetwork(new RandomSource(seed), Hop);
        settings ??= new DisseminationSettings();
        for (var i = 0; i < nodes; i++)
            network.AddNode(settings);
        return network;
    }

    [Theory]
    [InlineData(DisseminationRule.Tree)]
    [InlineData(DisseminationRule.RandomFanout)]
    public void Line_HopsCountEveryLink_AndLimit2ReachesN1ToN3_NotN4(DisseminationRule rule)
    {
        var network = Network(5, 1, new DisseminationSettings { Rule = rule, Fanout = 3 });
        SimulatedTopology.Line(network);
        var hops = new Dictionary<int, uint>();
        network.Delivered += (node, request) => hops.Add(node.Index, request.Hops);

        var unlimited = network.Broadcast(0, Announces.New());
        Assert.Equal(5, unlimited.Reached);
        Assert.Equal(new Dictionary<int, uint> { [1] = 0, [2] = 1, [3] = 2, [4] = 3 }, hops);

        hops.Clear();
        var limited = network.Broadcast(0, Announces.New(limit: 2));
        Assert.Equal(4, limited.Reached);
        Assert.Equal(new Dictionary<int, uint> { [1] = 0, [2] = 1, [3] = 2 }, hops);
        Assert.Equal(0, network.ReceiptsOf(4));
    }

    [Fact]
    public void RandomGraph_EveryAnnounceReachesEveryNodeExactlyOnce()
    {
        var random = new RandomSource(7);
        var network = Network(20, 7);
        SimulatedTopology.DialRandom(network, 3, random);
        Assert.All(network.Nodes, n => Assert.True(n.Links.Count >= 3));

        var perId = new Dictionary<Google.Protobuf.ByteString, int[]>();
        network.Delivered += (node, request) =>
        {
            if (!perId.TryGetValue(request.Id, out var counts))
                perId[request.Id] = counts = new int[20];
            counts[node.Index]++;
        };
        for (var run = 0; run < 20; run++)
        {
            var source = random.Next(20);
            var announce = Announces.New();
            var result = network.Broadcast(source, announce);
            Assert.Equal(20, result.Reached);
            Assert.Equal(0, result.Duplicated);
            var counts = perId[announce.Id];
            Assert.All(Enumerable.Range(0, 20), i => Assert.Equal(i == source ? 0 : 1, counts[i]));
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void HalfDead_EveryReachableLiveNodeIsReachedInEveryRun(int seed)
    {
        var random = new RandomSource(seed);
        var network = Network(200, seed);
        SimulatedTopology.DialRandom(network, 5, random);
        foreach (var dead in Enumerable.Range(0, 200).OrderBy(_ => random.Next(1000)).Take(100))
            network.Kill(dead);
        var live = network.Nodes.Where(n => n.IsAlive).Select(n => n.Index).ToArray();

        for (var run = 0; run < 20; run++)
        {
            var source = live[random.Next(live.Length)];
            var result = network.Broadcast(source, Announces.New());
            Assert.Equal(network.CountReachable(source), result.Reached);
            Assert.Equal(0, result.Duplicated);
        }
        Assert.True(network.Lost > 0);
    }

    [Fact]
    public void Hub_OnceTheTreeSettled_SendsAtMostFanoutPlusServeBudgetCopies()
    {
        var settings = new DisseminationSettings();
        var random = new RandomSource(21);
        var network = Network(51, 21, settings);
        SimulatedTopology.DialRandom(network, 3, random, first: 1);
        for (var peer = 1; peer <= 50; peer++)
            network.Connect(0, peer);
        var hub = network.Nodes[0].Router;

        var perAnnounce = new List<long>();
        for (var run = 0; run < 20; run++)
        {
            var before = hub.Counters.CopiesSent;
            var result = network.Broadcast(1 + random.Next(50), Announces.New());
            Assert.Equal(51, result.Reached);
            // Each of the other 50 nodes got it, and only a full copy (a push or a GRAFT answer) brings it.
            Assert.True(result.CopiesSent >= 50, $"{result.CopiesSent} copies reached 50 nodes");
            perAnnounce.Add(hub.Counters.CopiesSent - before);
        }
        // The cap holds from the first announce on: only InitialEager of its 50 links start eager, GRAFTs past the
        // cap get a PRUNE with the copy. Nothing makes the hub forward (the tree may pass it by), so its copies are
        // bounded above only.
        Assert.All(perAnnounce, copies => Assert.True(copies <= settings.Fanout + settings.ServeBudget, $"the hub sent {copies} copies"));
        // The link the hub first got the last announce from became eager, and the cap bounds the rest.
        Assert.InRange(((PlumtreeRule)hub).EagerControlLinks, 1, settings.Fanout);
    }

    [Fact]
    public void Mixed_OriginalNodesGetFullCopiesAndNeverControlFrames()
    {
        var random = new RandomSource(31);
        var network = new SimulatedNetwork(random, Hop);
        var settings = new DisseminationSettings();
        for (var i = 0; i < 60; i++)
        {
            if (i % 4 == 0)
                network.AddOriginalNode();
            else
                network.AddNode(settings);
        }
        SimulatedTopology.DialRandom(network, 4, random);
        // Every original needs a PeerNet peer to be sure of copies (originals only forward to 3 random peers).
        Assert.All(network.Nodes.Where(n => n.IsOriginal), n => Assert.Contains(n.Links, l => !l.Peer.IsOriginal));

        long originalsReached = 0;
        network.Delivered += (node, _) => originalsReached += node.IsOriginal ? 1 : 0;
        for (var run = 0; run < 20; run++)
        {
            // Mostly PeerNet announcers, some original ones.
            var source = run % 5 == 0 ? 4 * random.Next(15) : 1 + 4 * random.Next(15);
            var result = network.Broadcast(source, Announces.New());
            Assert.Equal(60, result.Reached);
            Assert.Equal(0, result.Duplicated);
        }
        Assert.Equal(0, network.ControlFramesToOriginals);
        Assert.True(network.ControlFramesSent > 0);
        Assert.True(originalsReached >= 15 * 20 - 4);
    }

    [Theory]
    [InlineData(0)] // the default InitialEager
    [InlineData(16)] // every link eager: the first announce floods
    public void Tree_AfterTheFirstAnnounce_CostsAboutOneCopyPerNode(int initialEager)
    {
        var random = new RandomSource(41);
        var settings = initialEager > 0 ? new DisseminationSettings { InitialEager = initialEager } : new DisseminationSettings();
        var network = Network(500, 41, settings);
        SimulatedTopology.DialRandom(network, 5, random);
        var first = network.Broadcast(random.Next(500), Announces.New());
        Assert.Equal(500, first.Reached);
        // A node pushes to its eager links but the sender: about InitialEager - 1 copies each, plus GRAFT answers for
        // the nodes the push missed; a flood sends one over every other link (about 9 at degree 10).
        var firstPerNode = first.CopiesSent / 500.0;
        if (initialEager == 0)
            Assert.InRange(firstPerNode, 1, settings.InitialEager + 0.5);
        else
            Assert.True(firstPerNode > 8, $"{firstPerNode} copies per node: the first announce floods");
        Assert.Equal(first.CopiesSent, first.Frames.Copies);
        Assert.True(first.Frames.Prunes > 0 && first.Frames.IhaveFrames > 0);

        long copies = 0;
        for (var run = 0; run < 10; run++)
        {
            var result = network.Broadcast(random.Next(500), Announces.New());
            Assert.Equal(500, result.Reached);
            copies += result.CopiesSent;
        }
        Assert.InRange(copies / (10.0 * 500), 0.9, 1.3);
    }

    [Fact]
    public void LinkRemoval_TheTreeHealsAndEveryNodeIsStillReached()
    {
        var random = new RandomSource(51);
        var network = Network(100, 51);
        SimulatedTopology.DialRandom(network, 4, random);
        network.Broadcast(0, Announces.New());
        network.Broadcast(1, Announces.New());

        // Drop a third of the links at both ends, as closed sessions would.
        var pairs = network.Nodes.SelectMany(n => n.Links.Where(l => l.Peer.Index > n.Index).Select(l => (n.Index, l.Peer.Index))).ToList();
        foreach (var (a, b) in pairs.Where((_, i) => i % 3 == 0))
            network.Disconnect(a, b);

        for (var run = 0; run < 10; run++)
        {
            var source = random.Next(100);
            var result = network.Broadcast(source, Announces.New());
            Assert.Equal(network.CountReachable(source), result.Reached);
            Assert.Equal(0, result.Duplicated);
        }
    }

    [Fact]
    public void Scheduler_RunsEventsInTimeOrder_TiesInQueueOrder()
    {
        var scheduler = new VirtualScheduler();
        var order = new List<string>();
        scheduler.Schedule(TimeSpan.FromSeconds(2), () => order.Add("b"));
        scheduler.Schedule(TimeSpan.FromSeconds(1), () => order.Add("a1"));
        scheduler.Schedule(TimeSpan.FromSeconds(1), () =>
        {
            order.Add("a2");
            scheduler.Schedule(TimeSpan.Zero, () => order.Add("a3"));
        });
        Assert.Equal(4, scheduler.RunUntilIdle());
        Assert.Equal(["a1", "a2", "a3", "b"], order);
        Assert.Equal(TimeSpan.FromSeconds(2), scheduler.Now);
    }
}
