using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>For sidecars: receive the announce requests the node gets, and answer them.</summary>
public sealed class RequestsClient
{
    private readonly ApiChannel _api;

    internal RequestsClient(ApiChannel api) => _api = api;

    /// <summary>
    /// Subscribes to the requests the node receives (<c>GET /api/requests</c>), of <paramref name="type"/> only when
    /// given. Returns once the node has registered the subscription: nothing that arrives after is missed. Needs
    /// write access. Dispose the subscription to end it.
    /// </summary>
    public async Task<RequestSubscription> SubscribeAsync(string? type = null, CancellationToken cancellationToken = default)
    {
        var url = new QueryString(PeerNetRoutes.SubscribeRequests.Path()).Add("type", type).ToString();
        var response = await _api.SendAsync(PeerNetRoutes.SubscribeRequests, url, null, cancellationToken, streaming: true, accept: "text/event-stream");
        return new RequestSubscription(response);
    }

    /// <summary>Answers the request with <paramref name="handle"/> (<c>POST /api/requests/{handle}/reply</c>); 404 when unknown or expired.</summary>
    public Task ReplyAsync(string handle, Reply reply, CancellationToken cancellationToken = default) =>
        _api.SendNoContentAsync(PeerNetRoutes.Reply, PeerNetRoutes.Reply.Path(handle), reply, cancellationToken);
}
