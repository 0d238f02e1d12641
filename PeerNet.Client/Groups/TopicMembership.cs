namespace PeerNet.Client;

/// <summary>
/// Addresses kept in a topic (<see cref="TopicsClient.StayJoinedAsync"/>): renewed at half their ttl until disposed,
/// which stops renewing and leaves the topic. A failed renewal is retried at the next half-ttl tick (the node may be
/// restarting); <see cref="LastError"/> says what failed.
/// </summary>
public sealed class TopicMembership : IAsyncDisposable
{
    private readonly TopicsClient _topics;
    private readonly IReadOnlyList<string> _addresses;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private int _disposed;

    internal TopicMembership(TopicsClient topics, string topic, IReadOnlyList<string> addresses, TimeSpan ttl, TopicJoined joined)
    {
        _topics = topics;
        Topic = topic;
        _addresses = addresses;
        Joined = joined;
        _renewing = RenewAsync(ttl / 2, ttl, _stop.Token);
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The last join or renewal's answer.</summary>
    public TopicJoined Joined { get; private set; }

    /// <summary>How many renewals succeeded.</summary>
    public int Renewals { get; private set; }

    /// <summary>The last renewal's error, null once one succeeds again.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Stops renewing and leaves the topic (best effort: a node that is gone lets the members expire by their ttl).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _topics.LeaveAsync(Topic, _addresses, timeout.Token);
        }
        catch (Exception ex) when (ex is PeerNetApiException or HttpRequestException or OperationCanceledException)
        {
            // The members expire by their ttl anyway.
        }
    }

    private async Task RenewAsync(TimeSpan every, TimeSpan ttl, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every < TimeSpan.FromMilliseconds(500) ? TimeSpan.FromMilliseconds(500) : every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    Joined = await _topics.JoinAsync(Topic, _addresses, ttl, cancellationToken);
                    Renewals++;
                    LastError = null;
                }
                catch (Exception ex) when (ex is PeerNetApiException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    LastError = ex;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
    }
}
