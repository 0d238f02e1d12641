using PeerNet.Gossip.Announcing;

namespace PeerNet.Tests.Gossip.Announcing;

public sealed class ResponseQueueTests
{
    [Fact]
    public async Task Items_AreReadInOrder_UpToTheCapacity_AndStayReadableAfterCompletion()
    {
        var queue = new ResponseQueue<string>(capacity: 2);
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
        var queue = new ResponseQueue<string>(capacity: 4);
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
        var queue = new ResponseQueue<string>(capacity: 4);
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
        var queue = new ResponseQueue<string>(capacity: 4);
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
        var queue = new ResponseQueue<string>(capacity: 4);
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
        var queue = new ResponseQueue<string>(capacity: 1);
        _ = queue.WaitToReadAsync(TestContext.Current.CancellationToken);
        Assert.Throws<InvalidOperationException>(() => queue.WaitToReadAsync(TestContext.Current.CancellationToken));
    }
}
