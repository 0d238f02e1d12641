using System.Net;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using PeerNet.Peers;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Peers;

/// <summary>Handshake, duplicates, caps and liveness of peer sessions, over in-memory pipes.</summary>
public sealed class PeerSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly MemoryNet _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _net.DisposeAsync();

    [Fact]
    public async Task TwoNodes_Handshake_AndListEachOtherByNodeId()
    {
        var a = await _net.AddAsync("tcp://a:1");
        var b = await _net.AddAsync("tcp://b:1");

        var session = await a.ConnectAsync(b, TestContext.Current.CancellationToken);

        Assert.Equal(b.Identity.Id, session.RemoteId);
        Assert.True(session.IsPeerNet);
        await Wait.UntilAsync(() => b.Network.Count == 1, Patience, "b lists a");
        Assert.Equal(a.Identity.Id.ToString(), Assert.Single(b.Network.Connections()).PeerId);
        var info = Assert.Single(a.Network.Connections());
        Assert.Equal(("tcp://b:1", PeerDirection.Outbound), (info.Address, info.Direction));
        Assert.Equal(PeerDirection.Inbound, b.Network.Connections()[0].Direction);
        Assert.Null(b.Network.Connections()[0].Address);
    }

    [Fact]
    public async Task Connecting_RecordsConnectionStats()
    {
        var a = await _net.AddAsync("tcp://a:1");
        var b = await _net.AddAsync("tcp://b:1");
        await a.ConnectAsync(b, TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<PeerConnectException>(() => a.Network.ConnectAsync(PeerNet.Addressing.PeerAddress.Parse("tcp://nobody:1"), TestContext.Current.CancellationToken));
        await a.Store.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, (await a.Store.GetStatsAsync(b.Address, TestContext.Current.CancellationToken))?.Connections.Ok);
        Assert.Equal(1, (await a.Store.GetStatsAsync(PeerNet.Addressing.PeerAddress.Parse("tcp://nobody:1"), TestContext.Current.CancellationToken))?.Connections.Fail);
    }

    [Fact]
    public async Task DiallingItself_IsRefusedClearly()
    {
        var a = await _net.AddAsync("tcp://a:1");
        _net.Alias("tcp://a-again:1", a);

        var ex = await Assert.ThrowsAsync<PeerConnectException>(() => a.Network.ConnectAsync(PeerNet.Addressing.PeerAddress.Parse("tcp://a-again:1"), TestContext.Current.CancellationToken));

        Assert.Equal(PeerConnectFailure.Self, ex.Failure);
        Assert.Contains("itself", ex.Message);
        Assert.Equal(0, a.Network.Count);
    }

    [Fact]
    public async Task DiallingAnAdvertisedAddress_IsRefusedBeforeDialling()
    {
        var a = await _net.AddAsync("tcp://a:1", o => o.Advertise = ["tcp://a:1"]);
        var ex = await Assert.ThrowsAsync<PeerConnectException>(() => a.Network.ConnectAsync(a.Address, TestContext.Current.CancellationToken));
        Assert.Equal(PeerConnectFailure.Self, ex.Failure);
    }

    [Fact]
    public async Task ASecondConnectionToTheSameNode_IsClosed_TheFirstStays()
    {
        var a = await _net.AddAsync("tcp://a:1");
        var b = await _net.AddAsync("tcp://b:1");
        _net.Alias("tcp://b-alias:1", b);
        var first = await a.ConnectAsync(b, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<PeerConnectException>(() => a.Network.ConnectAsync(PeerNet.Addressing.PeerAddress.Parse("tcp://b-alias:1"), TestContext.Current.CancellationToken));
        Assert.Equal(PeerConnectFailure.AlreadyConnected, ex.Failure);

        var again = await Assert.ThrowsAsync<PeerConnectException>(() => a.ConnectAsync(b, TestContext.Current.CancellationToken));
        Assert.Equal(PeerConnectFailure.AlreadyConnected, again.Failure);
        Assert.True(first.IsHandshaken);
        Assert.Null(first.CloseReason);
        Assert.Equal(1, a.Network.Count);
    }

    [Fact]
    public async Task CrossedDials_LeaveOneConnection_TheSameOneAtBothEnds()
    {
        for (var run = 0; run < 5; run++)
        {
            var a = await _net.AddAsync($"tcp://a{run}:1");
            var b = await _net.AddAsync($"tcp://b{run}:1");

            var dials = new[] { Try(a.ConnectAsync(b, TestContext.Current.CancellationToken)), Try(b.ConnectAsync(a, TestContext.Current.CancellationToken)) };
            await Task.WhenAll(dials);

            await Wait.UntilAsync(() => a.Network.Count == 1 && b.Network.Count == 1
                && a.Network.Peers[0].Direction != b.Network.Peers[0].Direction, Patience, "one connection remains");
            // The survivor was dialled by the node with the lower id, at both ends.
            var lowerDialled = a.Identity.Id.CompareTo(b.Identity.Id) < 0 ? a : b;
            Assert.Equal(PeerDirection.Outbound, lowerDialled.Network.Peers[0].Direction);
        }

        static async Task Try(Task<Peer> dial)
        {
            try { await dial; } catch (PeerConnectException) { }
        }
    }

    [Fact]
    public async Task APeerThatNeverSaysHello_IsDroppedAfterTheHandshakeTimeout()
    {
        var a = await _net.AddAsync("tcp://a:1", o => o.HandshakeTimeout = 300);
        await using var silent = _net.Raw(a);

        Assert.True(await silent.ClosedWithinAsync(Patience));
        Assert.Equal(0, a.Network.Count);
    }

    [Fact]
    public async Task AnOriginalNodesEarlyAddrsRequest_IsHeldUntilTheHandshakeCompletes_ThenAnswered()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.Advertise = ["ws://a.example:8080/peer"]; o.Interval = 0; });
        await a.Store.SaveAsync([PeerNet.Addressing.PeerAddress.Parse("ws://known.example:1/peer")], TestContext.Current.CancellationToken);
        await using var original = _net.Raw(a);

        // The original sends its _hello and _addrs together, and answers ours only later.
        await original.SendAsync(Convert.FromHexString(WireVectors.OriginalHelloAndAddrsMessage));
        var ourHello = await original.ReadAsync();
        Assert.Equal("_hello", ourHello!.Request.Type.ToStringUtf8());
        Assert.True(HelloExtension.TryRead(ourHello.Request.Data.Span, out _));
        var helloAnswer = (await original.ReadAsync())!;
        Assert.Equal("_hello", helloAnswer.Response.Type.ToStringUtf8());
        Assert.Equal("01156dce", Convert.ToHexStringLower(helloAnswer.Response.Reply.ToByteArray()));
        Assert.False(helloAnswer.Response.HasLimit);
        // Nothing else until the handshake completes: a peer that never finishes it gets no sample of the store.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => original.ReadAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(0, a.Network.Count);

        await original.AnswerHelloAsync(ourHello);
        var addrs = new List<Message>();
        for (var i = 0; i < 2; i++)
            addrs.Add((await original.ReadAsync())!);
        Assert.Equal(["ws://a.example:8080/peer", "ws://known.example:1/peer"], addrs.Select(m => m.Response.Data.ToStringUtf8()));
        Assert.All(addrs, m => Assert.Equal("3676729f", Convert.ToHexStringLower(m.Response.Reply.ToByteArray())));
        Assert.All(addrs, m => Assert.Equal(1u, m.Response.Limit));
        Assert.Equal(2, addrs.Select(m => m.Response.Id).Distinct().Count()); // fresh ids: the original drops repeats
        Assert.Equal(1, a.Network.Count);
        var peer = a.Network.Peers[0];
        Assert.False(peer.IsPeerNet);
        Assert.Equal("b384aeb1b0f957ca42d6d6121beb1db7", peer.RemoteId.ToString()); // from the data of its own _hello

        // Asking again at once is not answered: at most one answer per answer interval (5 s with Interval 0).
        var ignoredBefore = peer.Counters.MessagesIgnored;
        await original.SendAsync(new Message { Request = new Announce { Id = Bytes("77"), Hops = 0, Limit = 1, Type = MessageTypes.Addrs, Data = ByteString.CopyFromUtf8("{\"size\":5}") } });
        await Wait.UntilAsync(() => peer.Counters.MessagesIgnored == ignoredBefore + 1, Patience, "the second request is ignored");
    }

    [Fact]
    public async Task RelayedHelloAnswers_AndRelayedRequests_AreIgnored()
    {
        var a = await _net.AddAsync("tcp://a:1");
        await using var peer = _net.Raw(a);
        var ourHello = await peer.ReadAsync();

        // A relayed answer (hops 1) and an answer to some other request carry other node ids: never the peer's.
        await peer.SendAsync(new Message { Response = new Announce { Id = Bytes("01"), Hops = 1, Reply = ourHello!.Request.Id, Type = MessageTypes.Hello, Data = Bytes("ff".PadRight(32, 'f')) } });
        await peer.SendAsync(new Message { Request = new Announce { Id = Bytes("02"), Hops = 1, Type = MessageTypes.Hello, Data = Bytes("ee".PadRight(32, 'e')), Limit = 1 } });
        await peer.SendOriginalHelloAsync();
        await peer.AnswerHelloAsync(ourHello);

        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "handshake");
        Assert.Equal(ScriptedPeer.Id, a.Network.Peers[0].RemoteId);
        // Two ignored: the relayed request, and our answer (the relayed answer to our _hello already confirmed it); the
        // second may still be in the read loop when the handshake shows.
        await Wait.UntilAsync(() => a.Network.Peers[0].Counters.MessagesIgnored == 2, Patience, "two _hello messages ignored");
    }

    [Fact]
    public async Task AZombiePeerThatStopsReading_ButKeepsSendingKeepAlives_IsClosedAtTheWriteDeadline()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = await _net.AddAsync("tcp://a:1", o => { o.KeepAliveInterval = 1000; o.KeepAliveMisses = 3; o.HandshakeTimeout = 60_000; }, time);
        await using var zombie = _net.Raw(a);
        await zombie.HandshakeAsync();
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "handshaken");
        var peer = a.Network.Peers[0];

        // It reads nothing more: ~100 KB for it fill the in-memory pipe (64 KiB) and the writer's flush blocks.
        var big = new Message { Request = new Announce { Id = Bytes("0b"), Hops = 0, Data = ByteString.CopyFrom(new byte[1000]) } };
        for (var i = 0; i < 100; i++)
            peer.TrySend(big);
        // It keeps sending keep-alives, so it is never silent; only the write deadline (3 x 1 s) can end it.
        for (var second = 0; second < 5 && a.Network.Count == 1; second++)
        {
            await zombie.SendAsync(new byte[] { 0x00 });
            await Wait.UntilAsync(() => peer.Counters.FramesReceived > second + 2, Patience, "the keep-alive arrived");
            time.Advance(TimeSpan.FromSeconds(1));
        }
        await Wait.UntilAsync(() => a.Network.Count == 0, Patience, "the zombie left the table");
        Assert.StartsWith("write deadline", peer.CloseReason);
        Assert.Equal(0, a.Network.OpenConnections);
    }

    [Fact]
    public async Task AReplyToAPeerThatStoppedReading_GivesUpAtTheOwnSendDeadline_AndIsCounted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = await _net.AddAsync("tcp://a:1", o => { o.SendQueueCapacity = 2; o.HandshakeTimeout = 60_000; o.Interval = 0; }, time);
        a.Get<PeerNet.Gossip.Announcing.AnnounceRouter>().Start();
        using var requests = a.Node.SubscribeRequests("ask");
        using var dropped = a.Services.Collect("peernet.messages.dropped");
        await using var stuck = _net.Raw(a);
        await stuck.HandshakeAsync();
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "handshaken");
        await stuck.SendAsync(new Message { Request = new Announce { Id = Bytes("a5"), Hops = 0, Type = ByteString.CopyFromUtf8("ask") } });
        var reader = requests.ReadAllAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await reader.MoveNextAsync());
        var request = reader.Current;

        // It reads nothing more: the pipe fills, the writer blocks, and the two-slot queue fills behind it.
        var peer = a.Network.Peers[0];
        var big = new Message { Request = new Announce { Id = Bytes("0c"), Hops = 0, Data = ByteString.CopyFrom(new byte[1000]) } };
        await Wait.UntilAsync(() => { peer.TrySend(big); return dropped.Sum("reason", "send_queue_full") > 0; }, Patience, "the queue is full");

        var reply = request.ReplyAsync("late", TestContext.Current.CancellationToken).AsTask();
        Assert.False(reply.IsCompleted); // waiting for room
        time.Advance(PeerNetLimits.OwnSendDeadline);
        Assert.False(await reply.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal(1, dropped.Sum("reason", "own_send_timeout"));
        await reader.DisposeAsync();
    }

    [Fact]
    public async Task APeerSpoofingAConnectedNodesId_CannotReplaceTheHonestLink_OnceItIsOlderThanTheCrossingWindow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var x = await _net.AddAsync("tcp://x:1", o => o.HandshakeTimeout = 60_000, time);
        var y = await _net.AddAsync("tcp://y:1", o => o.HandshakeTimeout = 60_000, time);
        // The crossed-dial rule would let an inbound session claiming the peer's id replace an outbound link at the
        // node with the higher id: that node dials the honest peer, and the attacker connects to it.
        var (victim, honest) = x.Identity.Id.CompareTo(y.Identity.Id) > 0 ? (x, y) : (y, x);
        var link = await victim.ConnectAsync(honest, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(3)); // past the 2 s window

        await using var spoofer = _net.Raw(victim, id: honest.Identity.Id);
        await spoofer.HandshakeAsync();
        Assert.True(await spoofer.ClosedWithinAsync(Patience)); // refused: already connected to that node
        Assert.Equal(1, victim.Network.Count);
        Assert.Same(link, victim.Network.Peers[0]);
        Assert.Null(link.CloseReason);
        Assert.Equal(PeerDirection.Outbound, link.Direction);
    }

    [Fact]
    public async Task FiveInboundAttackers_DoNotSatisfyBootstrap_ItStillDialsItsOwnPeers()
    {
        var a = await _net.AddAsync("tcp://a:1", o => { o.Connections = 2; o.Interval = 0; });
        var b = await _net.AddAsync("tcp://b:1");
        var c = await _net.AddAsync("tcp://c:1");
        await a.Node.SaveAsync(["tcp://b:1", "tcp://c:1"], TestContext.Current.CancellationToken);
        var attackers = new List<ScriptedPeer>();
        for (var i = 0; i < 5; i++)
        {
            var attacker = _net.Raw(a, id: NodeId.Read(Enumerable.Repeat((byte)(0x10 + i), 16).ToArray()));
            await attacker.HandshakeAsync();
            attackers.Add(attacker);
        }
        await Wait.UntilAsync(() => a.Network.Count == 5, Patience, "five inbound attackers are handshaken");

        Assert.Equal(2, await a.Get<PeerNet.Gossip.Bootstrapper>().RunOnceAsync(TestContext.Current.CancellationToken));
        await Wait.UntilAsync(() => a.Network.OutboundCount == 2, Patience, "a dialled b and c");
        Assert.Equal(["tcp://b:1", "tcp://c:1"], a.Network.Peers.Where(p => p.Direction == PeerDirection.Outbound).Select(p => p.Address!.Value).Order());
        foreach (var attacker in attackers)
            await attacker.DisposeAsync();
    }

    [Fact]
    public async Task IdleTcpPeers_GetKeepAlives_AndASilentOneIsDropped()
    {
        // Virtual time: a loaded machine cannot stretch the intervals past the moment the test looks.
        var time = new FakeTimeProvider();
        var a = await _net.AddAsync("tcp://a:1", o => { o.KeepAliveInterval = 100; o.KeepAliveMisses = 3; }, time);
        await using var peer = _net.Raw(a);
        await peer.HandshakeAsync();
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "handshake");

        // The node sends empty frames while idle...
        var keepAlive = Task.Run(async () =>
        {
            Message? message;
            do message = await peer.ReadAsync(Patience, skipKeepAlives: false);
            while (message is not null && message.KindCase != Message.KindOneofCase.None);
            return message;
        });
        await Wait.UntilAsync(() => { time.Advance(TimeSpan.FromMilliseconds(100)); return keepAlive.IsCompleted; }, Patience, "a keep-alive arrived");
        Assert.Equal(Message.KindOneofCase.None, (await keepAlive)!.KindCase);

        // ...and, hearing nothing back for three intervals, drops the peer.
        var closed = peer.ClosedWithinAsync(Patience);
        await Wait.UntilAsync(() => { time.Advance(TimeSpan.FromMilliseconds(100)); return closed.IsCompleted; }, Patience, "the node closed the connection");
        Assert.True(await closed);
        await Wait.UntilAsync(() => a.Network.Count == 0, Patience, "the silent peer is gone");
    }

    [Fact]
    public async Task ALivePeerThatSendsKeepAlives_IsKept()
    {
        // Virtual time: on a loaded machine a real 100 ms sleep can stretch past the three silent intervals.
        var time = new FakeTimeProvider();
        var a = await _net.AddAsync("tcp://a:1", o => { o.KeepAliveInterval = 100; o.KeepAliveMisses = 3; }, time);
        await using var peer = _net.Raw(a);
        var ourHello = await peer.ReadAsync();
        await peer.SendOriginalHelloAsync();
        await peer.AnswerHelloAsync(ourHello!);
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "handshake");
        var session = a.Network.Peers[0];

        // One interval at a time, each after the peer's keep-alive has arrived.
        async Task IntervalAsync()
        {
            var received = session.Counters.FramesReceived;
            await peer.SendAsync([0]);
            await Wait.UntilAsync(() => session.Counters.FramesReceived > received, Patience, "the peer's keep-alive arrived");
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // First until the node's keep-alive timer runs (it sends its own keep-alives), then a second more.
        var sent = session.Counters.FramesSent;
        await Wait.UntilAsync(async () =>
        {
            await IntervalAsync();
            return session.Counters.FramesSent > sent;
        }, Patience, "the node's keep-alive timer runs");
        for (var i = 0; i < 10; i++) // well past three intervals
            await IntervalAsync();
        Assert.Equal(1, a.Network.Count);
        Assert.Null(session.CloseReason);
    }

    [Fact]
    public async Task AStuckPeer_FillsOnlyItsOwnQueue_ForwardsAreDroppedAndOwnSendsWait()
    {
        var a = await _net.AddAsync("tcp://a:1", o => o.SendQueueCapacity = 4);
        await using var stuck = _net.Raw(a);
        var ourHello = await stuck.ReadAsync();
        await stuck.SendOriginalHelloAsync();
        await stuck.AnswerHelloAsync(ourHello!);
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "handshake");
        var session = a.Network.Peers[0];

        // The peer reads nothing: the pipe fills, the writer blocks, then the queue fills.
        var big = new Message { Request = new Announce { Id = Bytes("01"), Hops = 0, Type = ByteString.CopyFromUtf8("t"), Data = ByteString.CopyFrom(new byte[1000]) } };
        var accepted = 0;
        // The writer blocks exactly when 64 KiB (the pipe's pause threshold) lie unread: all it sent but the _hello
        // request the peer read.
        var read = FrameWriter.ToFrame(ourHello!).Length;
        await Wait.UntilAsync(() =>
        {
            while (session.TrySend(big))
                accepted++;
            return session.Counters.BytesSent - read >= 64 * 1024;
        }, Patience, "the writer is blocked on the full pipe");
        while (session.TrySend(big))
            accepted++; // the blocked writer takes no more: the queue is full for forwards now, and stays so
        Assert.True(session.Counters.SendsDropped > 0);
        Assert.InRange(accepted, 4, 200); // the pipe's 64 KiB and the 4-message queue, no more

        // Forwarded requests leave the response lane (a quarter: 1 of 4) free; the node's own traffic may use it.
        Assert.True(await session.SendAsync(big, TestContext.Current.CancellationToken));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await session.SendAsync(big, cts.Token));

        var b = await _net.AddAsync("tcp://b:1");
        await a.ConnectAsync(b, TestContext.Current.CancellationToken); // others are still served
        Assert.Equal(2, a.Network.Count);
    }

    [Fact]
    public async Task AFrameLongerThanMaxFrameLength_ClosesTheConnection()
    {
        // Virtual time: the handshake cannot time out, so only the frames decide what is closed.
        var a = await _net.AddAsync("tcp://a:1", o => o.MaxFrameLength = 4096, new FakeTimeProvider());
        using var violations = a.Services.Collect("peernet.protocol.violations");
        using var hits = a.Services.Collect("peernet.limit.hits");
        await using var peer = _net.Raw(a);
        await peer.SendAsync(Convert.FromHexString("8120")); // 4097
        Assert.True(await peer.ClosedWithinAsync(Patience));
        Assert.Equal(1, violations.Sum());
        Assert.Equal(1, hits.Sum("limit", "frame_length"));

        await using var fine = _net.Raw(a);
        await fine.SendAsync(FrameWriter.ToFrame(new Message { Request = new Announce { Id = Bytes("01"), Hops = 0, Data = ByteString.CopyFrom(new byte[1024]) } }));
        // Frames are read in order: the handshake after the 1 KiB frame completes only if that frame was taken.
        await fine.HandshakeAsync();
        await Wait.UntilAsync(() => a.Network.Count == 1, Patience, "the handshake after the 1 KiB frame completes");
        Assert.Null(a.Network.Peers[0].CloseReason);
        Assert.Equal(1, violations.Sum());
    }

    [Fact]
    public async Task Disconnect_ClosesByAddressOrPeerId()
    {
        var a = await _net.AddAsync("tcp://a:1");
        var b = await _net.AddAsync("tcp://b:1");
        var c = await _net.AddAsync("tcp://c:1");
        await a.ConnectAsync(b, TestContext.Current.CancellationToken);
        await c.ConnectAsync(a, TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => a.Network.Count == 2, Patience, "two peers");

        Assert.True(await a.Network.DisconnectAsync(b.Address));
        Assert.False(await a.Network.DisconnectAsync(b.Address));
        Assert.True(await a.Network.DisconnectAsync(c.Identity.Id));
        Assert.False(await a.Network.DisconnectAsync(c.Identity.Id));
        await Wait.UntilAsync(() => a.Network.Count == 0 && b.Network.Count == 0 && c.Network.Count == 0, Patience, "all closed");
    }

    private static ByteString Bytes(string hex) => ByteString.CopyFrom(Convert.FromHexString(hex));
}
