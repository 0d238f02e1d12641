using System.Net.WebSockets;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Storage;
using PeerNet.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Transport;

namespace PeerNet.Tests.Cluster;

/// <summary>
/// The address-poisoning attack on a real host: one hostile peer answers every _addrs request with as many fresh
/// addresses as the node allows, disconnects and reconnects, until it has sent 100,000 addresses from one /16.
/// </summary>
public sealed class AddressFloodTests : IAsyncLifetime
{
    private const int FloodSize = 100_000;
    private const int HonestCount = 20;
    private const int AskSize = 100; // the node asks for this many; a peer may answer 8x (the allowance)
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AHundredThousandAddressesFromOneSlash16_LeaveTheTableBounded_AndItsSamplesHonest()
    {
        // Bootstrap off: nothing dials the flood's addresses (traffic stays on this machine); the dial sample is read
        // from the store as bootstrap reads it.
        var node = await _cluster.StartAsync(TestNodeOptions.With(
            ("PeerNet:Bootstrap", "false"), ("PeerNet:Size", AskSize.ToString()), ("PeerNet:Purge", "0")));
        var honest = Enumerable.Range(0, HonestCount).Select(i => $"ws://127.0.0.1:{7000 + i}/peer").ToHashSet();
        await node.Node.SaveAsync(honest, Ct);
        using var learned = node.Services.Collect("peernet.exchange.addresses.learned");
        using var refused = node.Services.Collect("peernet.exchange.addresses.refused");

        var sent = 0;
        var connections = 0;
        var started = TimeProvider.System.GetTimestamp();
        while (sent < FloodSize && TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            await using var attacker = await ConnectAsync(node, connections++);
            await attacker.HandshakeAsync();
            var ask = await attacker.ReadTypeAsync("_addrs");
            Assert.NotNull(ask);
            for (var i = 0; i < AskSize * PeerNetLimits.AnswerAllowanceFactor && sent < FloodSize; i++, sent++)
                await attacker.SendAsync(Answer(ask!.Request, $"ws://10.7.{sent / 250 % 250}.{sent % 250 + 1}:{1000 + sent / 62_500}/peer?n={sent}"));
        }
        Assert.Equal(FloodSize, sent);
        await _cluster.UntilAsync(() => learned.Sum() + refused.Sum() >= FloodSize - AskSize * PeerNetLimits.AnswerAllowanceFactor,
            "the node has handled the flood (the last connection's answers may be cut off by its close)");

        // The table: honest addresses all there, the flood within one source's share (here: one bucket, as all its
        // addresses are one group), the database small.
        var store = node.Services.GetRequiredService<PeerStore>();
        await store.FlushAsync(Ct);
        var counts = await store.CountByKindAsync(Ct);
        Assert.Equal(HonestCount, counts[AddressKind.Explicit]);
        Assert.InRange(counts[AddressKind.New], 1, AddressTable.BucketSize);
        var known = await node.Node.KnownAsync(Ct).ToListAsync(Ct);
        Assert.Superset(honest, known.ToHashSet());
        Assert.DoesNotContain(known, a => a.Contains('?')); // learned addresses lost their query
        Assert.True(refused.Sum("reason", "rate") > FloodSize / 2, $"{refused.Sum("reason", "rate")} refused by the source's budget");
        Assert.InRange(DatabaseBytes(node), 1, 2 * 1024 * 1024);

        // The dial sample, as bootstrap draws it: at least 90% honest.
        for (var round = 0; round < 10; round++)
        {
            var sample = await node.Node.SampleAsync(10, Ct);
            Assert.InRange(sample.Count(honest.Contains), 9, 10);
        }

        // The node's own answers to a peer that asks: at least 90% honest too.
        await using var asker = await ConnectAsync(node, connections++);
        await asker.HandshakeAsync();
        await asker.SendAsync(new Message
        {
            Request = new Announce { Id = ByteString.CopyFromUtf8("ask-1"), Hops = 0, Limit = 1, Type = MessageTypes.Addrs, Data = ByteString.CopyFromUtf8("{\"size\":10}") },
        });
        var answers = new List<string>();
        while (answers.Count < 10 && await asker.ReadTypeAsync("_addrs", TimeSpan.FromSeconds(5)) is { } message)
        {
            if (message.KindCase == Message.KindOneofCase.Response)
                answers.Add(message.Response.Data.ToStringUtf8());
        }
        Assert.Equal(10, answers.Count);
        Assert.InRange(answers.Count(honest.Contains), 9, 10);
    }

    private static long DatabaseBytes(TestNode node)
    {
        var location = node.Services.GetRequiredService<StoreLocation>();
        var file = new FileInfo(location.FilePath!);
        long Size(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
        return Size(file.FullName) + Size(file.FullName + "-wal");
    }

    private static async Task<ScriptedPeer> ConnectAsync(TestNode node, int n)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{node.BaseAddress.Port}/peer"), Ct);
        var id = new byte[16];
        BitConverter.TryWriteBytes(id, n + 1);
        return new ScriptedPeer(new WebSocketConnection(socket, "ws")) { NodeId = NodeId.Read(id) };
    }

    private static Message Answer(Announce request, string address) => new()
    {
        Response = new Announce { Id = ByteString.CopyFrom(Guid.NewGuid().ToByteArray(), 0, 8), Hops = 0, Reply = request.Id, Type = MessageTypes.Addrs, Limit = 1, Data = ByteString.CopyFromUtf8(address) },
    };
}
