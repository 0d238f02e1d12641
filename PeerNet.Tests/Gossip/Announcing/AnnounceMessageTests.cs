using PeerNet.Gossip.Announcing;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Gossip.Announcing;

public sealed class AnnounceMessageTests : IAsyncDisposable
{
    private readonly MemoryNet _net = new();

    public async ValueTask DisposeAsync() => await _net.DisposeAsync();

    [Fact]
    public void SendingAMessage_DoesNotChangeItsEquality_AndWithGivesAFreshCopyOfTheBytes()
    {
        var message = AnnounceMessage.Create("t", "data");
        var copy = message with { };
        Assert.Equal(message, copy);
        var wire = message.ToWire(new RandomSource(1));
        Assert.Equal(message, copy); // cached wire bytes are not part of equality
        Assert.Equal(message.GetHashCode(), copy.GetHashCode());
        Assert.Same(wire.Data, message.ToWire(new RandomSource(2)).Data); // copied once, reused
        var changed = message with { Data = "other"u8.ToArray() };
        Assert.Equal("other", changed.ToWire(new RandomSource(3)).Data.ToStringUtf8()); // not the original's cached bytes

        var reply = new ReplyMessage { Data = "r"u8.ToArray() };
        var replyCopy = reply with { };
        _ = reply.WireData;
        Assert.Equal(reply, replyCopy);
    }

    [Fact]
    public async Task EnumeratingAStreamTwice_AnnouncesTwice_WithAFreshIdEachTime()
    {
        var node = await _net.AddAsync("tcp://twice:1", o => { o.Bootstrap = false; o.Interval = 0; });
        var stream = node.Node.AnnounceAsync(AnnounceMessage.Create("twice"), TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        await using var first = stream.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        await using var second = stream.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.NotSame(first, second);
        Assert.NotEqual(((OwnAnnounce)first).Request.Id, ((OwnAnnounce)second).Request.Id);

        var fixedId = node.Node.AnnounceAsync(new AnnounceMessage { Id = new byte[] { 1, 2 }, Type = "t"u8.ToArray() }, TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        await using var a = fixedId.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        await using var b = fixedId.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.Equal(((OwnAnnounce)a).Request.Id, ((OwnAnnounce)b).Request.Id); // the caller chose the id
    }
}
