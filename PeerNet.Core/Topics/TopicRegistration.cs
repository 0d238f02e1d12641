using Microsoft.Extensions.Logging;

namespace PeerNet.Topics;

/// <summary>
/// A library join (<see cref="TopicService.JoinAsync"/>): its members are renewed every half time to live until it is
/// disposed, which removes them from this node.
/// </summary>
public sealed class TopicRegistration : IAsyncDisposable
{
    private readonly TopicRegistry _registry;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private int _disposed;

    internal TopicRegistration(TopicRegistry registry, string topic, IReadOnlyList<string> addresses, TimeSpan ttl, TimeProvider time, ILogger logger)
    {
        _registry = registry;
        _logger = logger;
        Topic = topic;
        Addresses = addresses;
        Ttl = ttl;
        var every = ttl / 2;
        _timer = time.CreateTimer(static s => ((TopicRegistration)s!).Renew(), this, every, every);
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The addresses registered.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>Their time to live on this node, renewed every half of it.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Renewals that failed (a bound of the node was full); the next one tries again.</summary>
    public int FailedRenewals { get; private set; }

    private void Renew()
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        try
        {
            _registry.Register(Topic, Addresses, Ttl, owner: null);
        }
        catch (TopicLimitException ex)
        {
            FailedRenewals++;
            TopicRegistrationLog.RenewFailed(_logger, Topic, ex.Message);
        }
    }

    /// <summary>Stops renewing and removes the members.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _timer.DisposeAsync().ConfigureAwait(false);
        _registry.Remove(Topic, Addresses);
    }
}

internal static partial class TopicRegistrationLog
{
    // Event id 567 (of the topics' 560-569). Next free: 568.
    [LoggerMessage(567, LogLevel.Debug, "Topics: renewing the members of {Topic} failed: {Reason}")]
    public static partial void RenewFailed(ILogger logger, string topic, string reason);
}
