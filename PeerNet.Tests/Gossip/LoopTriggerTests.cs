using Microsoft.Extensions.Time.Testing;
using PeerNet.Gossip;

namespace PeerNet.Tests.Gossip;

public sealed class LoopTriggerTests
{
    [Fact]
    public async Task WaitsForThePeriodUnlessFired_AndKeepsAFireThatCameWhileBusy()
    {
        var time = new FakeTimeProvider();
        var trigger = new LoopTrigger();

        var waiting = trigger.WaitAsync(TimeSpan.FromSeconds(5), time, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await waiting);

        waiting = trigger.WaitAsync(TimeSpan.FromSeconds(5), time, CancellationToken.None);
        trigger.Fire();
        Assert.True(await waiting);

        trigger.Fire(); // while the loop is busy
        Assert.True(await trigger.WaitAsync(TimeSpan.FromSeconds(5), time, CancellationToken.None));
        waiting = trigger.WaitAsync(TimeSpan.FromSeconds(5), time, CancellationToken.None);
        Assert.False(waiting.IsCompleted); // the signal was consumed once
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await waiting);
    }

    [Fact]
    public async Task CancellationEndsTheWait()
    {
        using var cts = new CancellationTokenSource();
        var waiting = new LoopTrigger().WaitAsync(TimeSpan.FromHours(1), new FakeTimeProvider(), cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
