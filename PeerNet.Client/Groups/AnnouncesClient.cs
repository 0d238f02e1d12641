using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>Announces: send one to the network and read its replies as they arrive; fetch a delivery report.</summary>
public sealed class AnnouncesClient
{
    private readonly ApiChannel _api;

    internal AnnouncesClient(ApiChannel api) => _api = api;

    /// <summary>
    /// Announces <paramref name="announcement"/> (<c>POST /api/announce</c>) when the result is enumerated, and yields
    /// each reply as it arrives, until <paramref name="timeout"/> passes (the node's default of 2 s when null, at
    /// most 60 s), <paramref name="max"/> replies are in, or the caller stops. Bad fields throw a 400
    /// <see cref="PeerNetApiException"/> before any reply. A reported announce's summary is
    /// <see cref="AnnounceStream.Summary"/> at the end (or <see cref="GetReportAsync"/> by <see cref="AnnounceStream.Id"/>).
    /// <paramref name="cancellationToken"/> and the enumeration's own token (<c>WithCancellation</c>) both stop it.
    /// </summary>
    public AnnounceStream AnnounceAsync(Announcement announcement, TimeSpan? timeout = null, int? max = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var url = new QueryString(PeerNetRoutes.Announce.Path())
            .Add("timeoutMs", NodeClient.Milliseconds(timeout)).Add("max", max).ToString();
        return new AnnounceStream(_api, announcement, url, cancellationToken);
    }

    /// <summary>The delivery report of an announce this node sent with <see cref="Announcement.Report"/> (<c>GET /api/announces/{id}</c>); 404 when unknown.</summary>
    public Task<DeliveryReport> GetReportAsync(string id, CancellationToken cancellationToken = default) =>
        _api.SendAsync<DeliveryReport>(PeerNetRoutes.DeliveryReport, PeerNetRoutes.DeliveryReport.Path(id), null, cancellationToken);
}
