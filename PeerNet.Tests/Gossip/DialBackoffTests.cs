using Microsoft.Extensions.Time.Testing;
using PeerNet.Gossip;

namespace PeerNet.Tests.Gossip;

public sealed class DialBackoffTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void FailuresDoubleTheWaitUpToTheMaximum()
    {
        var backoff = new DialBackoff(_time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        var waits = Enumerable.Range(0, 5).Select(_ => backoff.RecordFailure("ws://a")).ToList();
        Assert.Equal([1, 2, 4, 5, 5], waits.Select(w => w.TotalSeconds));

        Assert.True(backoff.IsWaiting("ws://a"));
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.True(backoff.IsWaiting("ws://a"));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(backoff.IsWaiting("ws://a"));
        Assert.False(backoff.IsWaiting("ws://never-failed"));
    }

    [Fact]
    public void SuccessClearsTheRecord_DeferWaitsWithoutCountingAFailure()
    {
        var backoff = new DialBackoff(_time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        backoff.RecordFailure("ws://a");
        backoff.RecordSuccess("ws://a");
        Assert.False(backoff.IsWaiting("ws://a"));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.RecordFailure("ws://a"));

        backoff.Defer("ws://b", TimeSpan.FromSeconds(10));
        Assert.True(backoff.IsWaiting("ws://b"));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.RecordFailure("ws://b"));
    }

    [Fact]
    public void StaysWithinItsCapacity()
    {
        var backoff = new DialBackoff(_time, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), capacity: 100);
        for (var i = 0; i < 10_000; i++)
        {
            backoff.RecordFailure($"ws://dead-{i}");
            _time.Advance(TimeSpan.FromTicks(1)); // each expires a tick after the one before
        }
        // None has expired, so each new address past the capacity pushes out the one closest to expiry: the oldest.
        Assert.Equal(100, backoff.Count);
        Assert.True(backoff.IsWaiting("ws://dead-9999"));
        Assert.True(backoff.IsWaiting("ws://dead-9900"));
        Assert.False(backoff.IsWaiting("ws://dead-9899"));
    }
}
