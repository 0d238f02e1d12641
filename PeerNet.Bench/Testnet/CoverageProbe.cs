using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace PeerNet.Bench.Testnet;

/// <summary>
/// Announce coverage as a sidecar sees it: every node is subscribed to its request stream (<c>GET /api/requests</c>,
/// Server-Sent Events) for the probe's type; each announce (<c>POST /api/announce</c>, from nodes in turn) carries a
/// tag in its data, and its coverage is the share of the other nodes whose stream showed that tag.
/// </summary>
internal sealed class CoverageProbe : IAsyncDisposable
{
    private const string Type = "testnet-probe";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<TestnetNode> _nodes;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _seen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop;
    private readonly List<Task> _streams = [];
    private readonly List<HttpClient> _streamClients = [];

    private CoverageProbe(IReadOnlyList<TestnetNode> nodes, CancellationToken cancellationToken)
    {
        _nodes = nodes;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Subscribes every node; returns once every subscription is registered (its 200 arrived).</summary>
    public static async Task<CoverageProbe> StartAsync(IReadOnlyList<TestnetNode> nodes, CancellationToken cancellationToken)
    {
        var probe = new CoverageProbe(nodes, cancellationToken);
        var subscribed = nodes.Select(n => probe.SubscribeAsync(n)).ToList();
        await Task.WhenAll(subscribed);
        return probe;
    }

    /// <summary>Announces <paramref name="count"/> tags from the nodes in turn; returns each announce's coverage (0 to 1).</summary>
    public async Task<IReadOnlyList<double>> MeasureAsync(int count, CancellationToken cancellationToken)
    {
        var coverage = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var origin = _nodes[i % _nodes.Count];
            var tag = $"probe-{i}-{Guid.NewGuid():N}";
            using (var response = await origin.Http.PostAsJsonAsync("/api/announce?timeoutMs=200", new { type = Type, data = tag }, cancellationToken))
            {
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsStringAsync(cancellationToken); // the response stream, until its timeout
            }
            var others = _nodes.Where(n => n != origin).ToList();
            var clock = Stopwatch.StartNew();
            int Reached() => others.Count(n => _seen[n.Id].ContainsKey(tag));
            while (Reached() < others.Count && clock.Elapsed < Patience)
                await Task.Delay(20, cancellationToken);
            coverage.Add(Reached() / (double)others.Count);
        }
        return coverage;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_streams);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
            // the streams end with the probe
        }
        foreach (var client in _streamClients)
            client.Dispose();
        _stop.Dispose();
    }

    private async Task SubscribeAsync(TestnetNode node)
    {
        var seen = _seen.GetOrAdd(node.Id, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
        // A client of its own: a stream lasts longer than the REST client's timeout.
        var client = new HttpClient { BaseAddress = node.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        lock (_streams)
            _streamClients.Add(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/requests?type={Type}");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        response.EnsureSuccessStatusCode();
        lock (_streams)
            _streams.Add(ReadAsync(response, seen));
    }

    private async Task ReadAsync(HttpResponseMessage response, ConcurrentDictionary<string, byte> seen)
    {
        using (response)
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                    continue;
                using var json = JsonDocument.Parse(line.AsMemory(5));
                if (json.RootElement.TryGetProperty("data", out var data) && data.GetString() is { } tag)
                    seen.TryAdd(tag, 0);
            }
        }
    }
}
