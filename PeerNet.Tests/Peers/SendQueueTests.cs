using System.Threading.Channels;
using PeerNet.Peers;

namespace PeerNet.Tests.Peers;

/// <summary>The session's send queue keeps a bounded channel's contract (SendQueue.cs says why it is not one).</summary>
public sealed class SendQueueTests
{
    [Fact]
    public void TryWrite_FailsPastTheCapacity_AndReadsComeOutInOrder_AcrossGrowthAndWrapAround()
    {
        var queue = new SendQueue<int>(10);
        var expected = new Queue<int>();
        var next = 0;
        // Fill and drain in uneven steps so the ring wraps at every size it grows through (4, 8, 10).
        foreach (var (writes, reads) in new[] { (3, 2), (6, 1), (5, 4), (10, 10), (7, 5), (9, 9) })
        {
            for (var i = 0; i < writes; i++)
            {
                var written = queue.TryWrite(next);
                Assert.Equal(expected.Count < 10, written);
                if (written)
                    expected.Enqueue(next);
                next++;
            }
            Assert.Equal(expected.Count, queue.Count);
            for (var i = 0; i < reads && expected.Count > 0; i++)
            {
                Assert.True(queue.TryRead(out var item));
                Assert.Equal(expected.Dequeue(), item);
            }
        }
        while (expected.Count > 0)
        {
            Assert.True(queue.TryRead(out var item));
            Assert.Equal(expected.Dequeue(), item);
        }
        Assert.False(queue.TryRead(out _));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task WaitToRead_CompletesWhenAnItemArrives_AndAfterCompletionOnceDrained()
    {
        var queue = new SendQueue<string>(4);
        var wait = queue.WaitToReadAsync();
        Assert.False(wait.IsCompleted);
        Assert.True(queue.TryWrite("a"));
        Assert.True(await wait);

        Assert.True(queue.TryWrite("b"));
        Assert.True(queue.TryComplete());
        Assert.False(queue.TryComplete());
        Assert.False(queue.TryWrite("c")); // completed: no more writes
        Assert.True(await queue.WaitToReadAsync()); // what was queued is still read
        Assert.True(queue.TryRead(out var a));
        Assert.True(queue.TryRead(out var b));
        Assert.Equal(("a", "b"), (a, b));
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public async Task Completing_EndsAWaitingReader()
    {
        var queue = new SendQueue<int>(4);
        var wait = queue.WaitToReadAsync();
        queue.TryComplete();
        Assert.False(await wait);
    }

    [Fact]
    public async Task WriteAsync_WaitsForRoom_AndIsQueuedInItsTurnWhenTheReaderTakesOne()
    {
        var queue = new SendQueue<int>(2);
        Assert.True(queue.TryWrite(1));
        Assert.True(queue.TryWrite(2));
        var first = queue.WriteAsync(3, TestContext.Current.CancellationToken).AsTask();
        var second = queue.WriteAsync(4, TestContext.Current.CancellationToken).AsTask();
        Assert.False(first.IsCompleted);
        Assert.False(queue.TryWrite(5)); // full, with writers waiting

        Assert.True(queue.TryRead(out var one));
        await first.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(second.IsCompleted);
        Assert.True(queue.TryRead(out var two));
        await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var rest = new List<int>();
        while (queue.TryRead(out var item))
            rest.Add(item);
        Assert.Equal([1, 2, 3, 4], [one, two, .. rest]);
    }

    [Fact]
    public async Task WriteAsync_Cancelled_IsNeverQueued_AndCompletionFailsTheWritersStillWaiting()
    {
        var queue = new SendQueue<int>(1);
        Assert.True(queue.TryWrite(1));
        using var cancel = new CancellationTokenSource();
        var cancelled = queue.WriteAsync(2, cancel.Token).AsTask();
        var closed = queue.WriteAsync(3, TestContext.Current.CancellationToken).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        queue.TryComplete();
        await Assert.ThrowsAsync<ChannelClosedException>(() => closed);
        Assert.True(queue.TryRead(out var only));
        Assert.Equal(1, only);
        Assert.False(queue.TryRead(out _));
        await Assert.ThrowsAsync<ChannelClosedException>(() => queue.WriteAsync(4, TestContext.Current.CancellationToken).AsTask());
    }

    [Fact]
    public async Task ManyWriters_OneReader_EveryItemReadOnce()
    {
        const int writers = 4, each = 20_000;
        var queue = new SendQueue<int>(64);
        var seen = new bool[writers * each];
        var reader = Task.Run(async () =>
        {
            var read = 0;
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryRead(out var item))
                {
                    Assert.False(seen[item]);
                    seen[item] = true;
                    read++;
                }
            }
            return read;
        });
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                var item = w * each + i;
                if (!queue.TryWrite(item))
                    await queue.WriteAsync(item, TestContext.Current.CancellationToken); // full: wait for room, as own traffic does
            }
        })));
        queue.TryComplete();
        Assert.Equal(writers * each, await reader.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        Assert.All(seen, Assert.True);
    }
}
