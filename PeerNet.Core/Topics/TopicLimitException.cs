namespace PeerNet.Topics;

/// <summary>A registration would pass one of the node's topic bounds; nothing of it was registered.</summary>
public sealed class TopicLimitException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TopicLimitException(string limit, string message)
        : base(message) => Limit = limit;

    /// <summary>The bound's name (as in <c>peernet.limit.hits{limit}</c>).</summary>
    public string Limit { get; }
}
