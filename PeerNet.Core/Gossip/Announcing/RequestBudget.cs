namespace PeerNet.Gossip.Announcing;

/// <summary>
/// One session's budget of new announce requests: a bucket for those it originates (hops 0), a larger one for those
/// it relays, and how many consecutive seconds it has overrun the first. Only the router's loop touches it.
/// </summary>
internal sealed class RequestBudget(PeerNetOptions options, bool probation)
{
    public TokenBucket Origin = new(options.OriginRequestRate, options.OriginRequestBurst);

    public TokenBucket Relayed = new(options.RelayedRequestRate, options.RelayedRequestBurst);

    /// <summary>A source recently disconnected for flooding: disconnected in the first second it overruns again.</summary>
    public bool Probation { get; } = probation;

    /// <summary>The last whole second (router time) in which an origin request was dropped.</summary>
    public long LastOverrunSecond { get; set; } = long.MinValue;

    /// <summary>Consecutive seconds with origin drops, up to <see cref="LastOverrunSecond"/>.</summary>
    public int OverrunStreak { get; set; }

    /// <summary>
    /// Counts an origin drop at <paramref name="now"/>; true when the streak of seconds with drops has reached
    /// <paramref name="limit"/>.
    /// </summary>
    public bool Overrun(TimeSpan now, int limit)
    {
        var second = (long)now.TotalSeconds;
        if (second != LastOverrunSecond)
        {
            OverrunStreak = second == LastOverrunSecond + 1 ? OverrunStreak + 1 : 1;
            LastOverrunSecond = second;
        }
        return OverrunStreak >= (Probation ? 1 : limit);
    }
}
