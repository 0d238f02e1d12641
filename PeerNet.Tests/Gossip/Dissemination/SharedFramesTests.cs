using Google.Protobuf;
using PeerNet.Gossip;
using PeerNet.Gossip.Dissemination;

namespace PeerNet.Tests.Gossip.Dissemination;

/// <summary>The forwarded frames a simulation's routers share.</summary>
public sealed class SharedFramesTests
{
    [Fact]
    public void EqualRequests_FromTheSameHops_ShareOneFrame_AnythingElseGetsItsOwn()
    {
        var frames = new SharedFrames();
        var request = Announces.New(limit: 9);
        request.Hops = 2;
        var key = IdKeys.Of(request.Id);

        var first = frames.Forward(key, request);
        Assert.Equal(3u, first.Request.Hops);
        Assert.Equal(request.Data, first.Request.Data);
        Assert.Same(first, frames.Forward(key, request.Clone()));

        var further = request.Clone();
        further.Hops = 3;
        Assert.Equal(4u, frames.Forward(key, further).Request.Hops);

        // The same id with other data (a forger's): its own frame, with its own data.
        var forged = request.Clone();
        forged.Data = ByteString.CopyFromUtf8("forged");
        var forgedFrame = frames.Forward(key, forged);
        Assert.NotSame(first, forgedFrame);
        Assert.Equal(forged.Data, forgedFrame.Request.Data);
    }

    [Fact]
    public void StartsOver_PastItsCapacity()
    {
        var frames = new SharedFrames();
        for (var i = 0; i <= SharedFrames.Capacity; i++)
        {
            var request = Announces.New();
            frames.Forward(IdKeys.Of(request.Id), request);
        }
        Assert.Equal(1, frames.Count);
    }
}
