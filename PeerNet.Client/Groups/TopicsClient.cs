using System.Runtime.CompilerServices;
using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>Topics: register the application's own addresses in a topic on this node, and find the topic's members in the network.</summary>
public sealed class TopicsClient
{
    private readonly ApiChannel _api;

    internal TopicsClient(ApiChannel api) => _api = api;

    /// <summary>
    /// Adds <paramref name="addresses"/> to <paramref name="topic"/> on this node, or renews them
    /// (<c>PUT /api/topics/{topic}/members</c>), for <paramref name="ttl"/> (whole seconds, 1 s to 20 min; the node's
    /// default of 5 min when null). Renew before it passes, or use <see cref="StayJoinedAsync"/>. A bad topic,
    /// address or ttl is a 400 naming the field (<c>topic</c>, <c>addresses[i]</c>, <c>ttlSeconds</c>); a bound
    /// of the node is a 409.
    /// </summary>
    public Task<TopicJoined> JoinAsync(string topic, IEnumerable<string> addresses, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        int? ttlSeconds = ttl is { } t ? (int)Math.Ceiling(t.TotalSeconds) : null;
        return _api.SendAsync<TopicJoined>(PeerNetRoutes.JoinTopic, PeerNetRoutes.JoinTopic.Path(topic),
            new { addresses = addresses.ToList(), ttlSeconds }, cancellationToken);
    }

    /// <summary>
    /// Joins as <see cref="JoinAsync"/> does, then keeps renewing at half <paramref name="ttl"/> until the returned
    /// membership is disposed, which leaves the topic. The first join's errors throw here.
    /// </summary>
    public async Task<TopicMembership> StayJoinedAsync(string topic, IReadOnlyList<string> addresses, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var joined = await JoinAsync(topic, addresses, ttl, cancellationToken);
        return new TopicMembership(this, topic, [.. addresses], ttl, joined);
    }

    /// <summary>Removes <paramref name="addresses"/> from <paramref name="topic"/> on this node (<c>DELETE /api/topics/{topic}/members</c>); returns how many were members.</summary>
    public async Task<int> LeaveAsync(string topic, IEnumerable<string> addresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var answer = await _api.SendAsync<RemovedAnswer>(PeerNetRoutes.LeaveTopic, PeerNetRoutes.LeaveTopic.Path(topic),
            new { addresses = addresses.ToList() }, cancellationToken);
        return answer.Removed;
    }

    /// <summary>The topics this node holds members of, with their members (<c>GET /api/topics</c>; needs write access).</summary>
    public Task<List<TopicInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<List<TopicInfo>>(PeerNetRoutes.ListTopics, PeerNetRoutes.ListTopics.Path(), null, cancellationToken);

    /// <summary>
    /// Finds <paramref name="topic"/>'s members in the network (<c>GET /api/topics/{topic}/peers</c> as Server-Sent
    /// Events) and yields each as it arrives, until <paramref name="max"/> are in (the node's default of 10 when
    /// null, at most 100), <paramref name="timeout"/> passes (default 2 s, at most 60 s) or the caller stops. Bad
    /// parameters throw a 400 naming the field before any member.
    /// </summary>
    public async IAsyncEnumerable<TopicMember> FindAsync(string topic, int? max = null, TimeSpan? timeout = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await _api.SendAsync(PeerNetRoutes.FindTopicPeers, FindUrl(topic, max, timeout), null, cancellationToken,
            streaming: true, accept: "text/event-stream");
        await foreach (var member in EventStream.ReadAsync(response, EventStream.Messages<TopicMember>(), cancellationToken))
            yield return member;
    }

    /// <summary>As <see cref="FindAsync"/>, answered once as a JSON array when the lookup ends.</summary>
    public Task<List<TopicMember>> FindAllAsync(string topic, int? max = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _api.SendAsync<List<TopicMember>>(PeerNetRoutes.FindTopicPeers, FindUrl(topic, max, timeout), null, cancellationToken);

    private static string FindUrl(string topic, int? max, TimeSpan? timeout) =>
        new QueryString(PeerNetRoutes.FindTopicPeers.Path(topic)).Add("max", max).Add("timeoutMs", NodeClient.Milliseconds(timeout)).ToString();
}
