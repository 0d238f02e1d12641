using System.Threading.Channels;

namespace PeerNet.Tests;

/// <summary>The bounded queue of own announces' responses and of each session's sends keeps a bounded channel's contract.</summary>
public sealed class BoundedQueueTests
{
    [Fact]
    public async Task Items_AreReadInOrder_UpToTheCapacity_AndStayReadableAfterCompletion()
    {
        var queue = new BoundedQueue<string>(capacity: 2);
        Assert.True(queue.TryWrite("a"));
        Assert.True(queue.TryWrite("b"));
        Assert.False(queue.TryWrite("c")); // full
        queue.Complete();
        Assert.False(queue.TryWrite("d")); // completed

        Assert.True(await queue.WaitToReadAsync(TestContext.Current.CancellationToken));
        Assert.True(queue.TryRead(out var first));
        Assert.True(queue.TryRead(out var second));
        Assert.Equal(("a", "b"), (first, second));
        Assert.False(queue.TryRead(out _));
        Assert.False(await queue.WaitToReadAsync(TestContext.Current.CancellationToken)); // completed and empty
    }

    [Fact]
    public async Task WaitingReader_IsWokenByAWrite_ThenByCompletion_WithoutRunningOnTheWritersThread()
    {
        var queue = new BoundedQueue<string>(capacity: 4);
        for (var round = 0; round < 100; round++) // the value-task source is reused wait after wait
        {
            var waiting = queue.WaitToReadAsync(TestContext.Current.CancellationToken).AsTask();
            Assert.False(waiting.IsCompleted);
            // Had the reader's continuation run inside TryWrite, it would wait here for a gate opened only after.
            using var writeReturned = new ManualResetEventSlim();
            var ranAfterTheWrite = waiting.ContinueWith(_ => writeReturned.Wait(TimeSpan.FromSeconds(5)), TaskContinuationOptions.ExecuteSynchronously);
            Assert.True(queue.TryWrite("x" + round));
            writeReturned.Set();
            Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
            Assert.True(await ranAfterTheWrite);
            Assert.True(queue.TryRead(out var item));
            Assert.Equal("x" + round, item);
        }

        var last = queue.WaitToReadAsync(TestContext.Current.CancellationToken).AsTask();
        queue.Complete();
        Assert.False(await last.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        queue.Complete(); // idempotent
    }

    [Fact]
    public async Task CancelledWait_Throws_AndLeavesTheQueueUsable()
    {
        var queue = new BoundedQueue<string>(capacity: 4);
        using var cancel = new CancellationTokenSource();
        var waiting = queue.WaitToReadAsync(cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.WaitToReadAsync(cancel.Token).AsTask());

        Assert.True(queue.TryWrite("after"));
        Assert.True(await queue.WaitToReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task CancelledReader_Stops_EvenWithItemsQueued()
    {
        var queue = new BoundedQueue<string>(capacity: 4);
        Assert.True(queue.TryWrite("queued"));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.WaitToReadAsync(cancel.Token).AsTask());
        queue.Complete();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.WaitToReadAsync(cancel.Token).AsTask());
    }

    [Fact]
    public async Task EarlierWaitsToken_CancelledLater_DoesNotCancelAWaitOnAnotherToken()
    {
        var queue = new BoundedQueue<string>(capacity: 4);
        using var first = new CancellationTokenSource();
        var firstWait = queue.WaitToReadAsync(first.Token).AsTask();
        Assert.True(queue.TryWrite("a"));
        Assert.True(await firstWait.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(queue.TryRead(out _));

        using var second = new CancellationTokenSource();
        var secondWait = queue.WaitToReadAsync(second.Token).AsTask();
        first.Cancel(); // its registration was removed when the first wait was woken; even if not, it must not fire here
        Assert.False(secondWait.IsCompleted);
        Assert.True(queue.TryWrite("b"));
        Assert.True(await secondWait.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void SecondConcurrentWaiter_IsRejected()
    {
        var queue = new BoundedQueue<string>(capacity: 1);
        _ = queue.WaitToReadAsync(TestContext.Current.CancellationToken);
        Assert.Throws<InvalidOperationException>(() => queue.WaitToReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void TryWrite_FailsPastTheCapacity_AndReadsComeOutInOrder_AcrossGrowthAndWrapAround()
    {
        var queue = new BoundedQueue<int>(10);
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
        var queue = new BoundedQueue<string>(4);
        var wait = queue.WaitToReadAsync(TestContext.Current.CancellationToken);
        Assert.False(wait.IsCompleted);
        Assert.True(queue.TryWrite("a"));
        Assert.True(await wait);

        Assert.True(queue.TryWrite("b"));
        queue.Complete();
        queue.Complete(); // idempotent
        Assert.False(queue.TryWrite("c")); // completed: no more writes
        Assert.True(await queue.WaitToReadAsync(TestContext.Current.CancellationToken)); // what was queued is still read
        Assert.True(queue.TryRead(out var a));
        Assert.True(queue.TryRead(out var b));
        Assert.Equal(("a", "b"), (a, b));
        Assert.False(await queue.WaitToReadAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Completing_EndsAWaitingReader()
    {
        var queue = new BoundedQueue<int>(4);
        var wait = queue.WaitToReadAsync(TestContext.Current.CancellationToken);
        queue.Complete();
        Assert.False(await wait);
    }

    [Fact]
    public async Task WriteAsync_WaitsForRoom_AndIsQueuedInItsTurnWhenTheReaderTakesOne()
    {
        var queue = new BoundedQueue<int>(2);
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
        var queue = new BoundedQueue<int>(1);
        Assert.True(queue.TryWrite(1));
        using var cancel = new CancellationTokenSource();
        var cancelled = queue.WriteAsync(2, cancel.Token).AsTask();
        var closed = queue.WriteAsync(3, TestContext.Current.CancellationToken).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        queue.Complete();
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
        var queue = new BoundedQueue<int>(64);
        var seen = new bool[writers * each];
        var reader = Task.Run(async () =>
        {
            var read = 0;
            while (await queue.WaitToReadAsync(TestContext.Current.CancellationToken))
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
        queue.Complete();
        Assert.Equal(writers * each, await reader.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        Assert.All(seen, Assert.True);
    }
}
