using System.Net;
using System.Net.Http.Json;
using PeerNet.Client.Http;

namespace PeerNet.Client;

/// <summary>Liveness and readiness probes.</summary>
public sealed class HealthClient
{
    private readonly ApiChannel _api;

    internal HealthClient(ApiChannel api) => _api = api;

    /// <summary><c>GET /healthz</c>: healthy while the process runs.</summary>
    public Task<HealthAnswer> GetLivenessAsync(CancellationToken cancellationToken = default) =>
        _api.SendAsync<HealthAnswer>(PeerNetRoutes.Liveness, PeerNetRoutes.Liveness.Path(), null, cancellationToken);

    /// <summary><c>GET /readyz</c>: healthy once the store is open and the engine runs. Its 503 carries an answer too, returned rather than thrown.</summary>
    public async Task<HealthAnswer> GetReadinessAsync(CancellationToken cancellationToken = default)
    {
        var route = PeerNetRoutes.Readiness;
        using var response = await _api.SendUncheckedAsync(route, route.Path(), null, cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.ServiceUnavailable)
            throw await ProblemReader.ReadAsync(response, route, cancellationToken);
        return await response.Content.ReadFromJsonAsync<HealthAnswer>(Json.Options, cancellationToken)
            ?? throw new InvalidOperationException($"{route} answered with an empty body.");
    }
}
