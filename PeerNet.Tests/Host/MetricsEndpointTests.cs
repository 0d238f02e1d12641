using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>/metrics: Prometheus text that promtool accepts, each host exporting its own node, optionally behind a key.</summary>
public sealed partial class MetricsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeHostsGossiping_EachExportsItsOwnCounters_AndPromtoolAcceptsTheText()
    {
        await using var cluster = new TestCluster();
        var (a, b, c) = (await cluster.StartAsync(), await cluster.StartAsync(), await cluster.StartAsync());
        Assert.True((await a.Client.PostAsJsonAsync("/api/connections", new { address = b.PeerAddress }, Ct)).IsSuccessStatusCode);
        Assert.True((await c.Client.PostAsJsonAsync("/api/connections", new { address = b.PeerAddress }, Ct)).IsSuccessStatusCode);
        await cluster.UntilAsync(async () => Value(await ScrapeAsync(b), "peernet_peers_connected") == 2, "b exports its two peers");

        var before = await ScrapeAsync(c);
        for (var i = 0; i < 3; i++)
        {
            using var response = await a.Client.PostAsJsonAsync("/api/announce?timeoutMs=100", new { type = "metrics", data = $"run {i}" }, Ct);
            Assert.True(response.IsSuccessStatusCode);
        }
        await cluster.UntilAsync(async () => Value(await ScrapeAsync(c), "peernet_announces_received_total") == 3, "c counted the three announces");
        var after = await ScrapeAsync(c);

        // Each host exports its own node although all three share this process.
        Assert.Equal(1, Value(after, "peernet_peers_connected"));
        Assert.Equal(2, Value(await ScrapeAsync(b), "peernet_peers_connected"));
        Assert.Equal(3, Value(await ScrapeAsync(a), "peernet_announces_originated_total"));
        Assert.True(Value(after, "peernet_frames_received_total") > Value(before, "peernet_frames_received_total"));
        Assert.True(Value(after, "peernet_bytes_received_bytes_total") > 0);
        Assert.Contains("# HELP peernet_announces_received_total ", after);
        Assert.Contains("# TYPE dotnet_process_cpu_time_seconds_total counter", after); // the runtime's meter
        Assert.Contains("# TYPE dotnet_process_cpu_cores gauge", after); // renamed: "..._count" would not pass promtool
        Assert.DoesNotContain("dotnet_process_cpu_count", after);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", after); // ASP.NET Core's
        Assert.Contains("# TYPE kestrel_active_connections gauge", after); // Kestrel's
        Assert.Contains("# TYPE peernet_store_tombstones gauge", after);

        foreach (var body in new[] { before, after, await ScrapeAsync(b) })
            await PromtoolAcceptsAsync(body);
    }

    [Fact]
    public async Task WithAMetricsKey_TheEndpointWantsItAsABearerToken()
    {
        await using var cluster = new TestCluster();
        var node = await cluster.StartAsync(TestNodeOptions.With(("PeerNet:MetricsKey", "scrape-secret")));

        using var none = await node.Client.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("Authorization: Bearer", await none.Content.ReadAsStringAsync(Ct));

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "guess") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Client.SendAsync(wrong, Ct)).StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "scrape-secret") } };
        using var answer = await node.Client.SendAsync(right, Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("peernet_", await answer.Content.ReadAsStringAsync(Ct));

        // The rest of the node does not change: health stays open.
        Assert.Equal(HttpStatusCode.OK, (await node.Client.GetAsync("/healthz", Ct)).StatusCode);
    }

    [Fact]
    public async Task WithoutAKey_MetricsAreOpenLikeHealth()
    {
        await using var cluster = new TestCluster();
        var node = await cluster.StartAsync();
        using var answer = await node.Client.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.StartsWith("text/plain", answer.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<string> ScrapeAsync(TestNode node)
    {
        using var response = await node.Client.GetAsync("/metrics", Ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>The sum of every series of <paramref name="metric"/> (all label sets); 0 when absent.</summary>
    private static double Value(string body, string metric) =>
        body.Split('\n').Select(l => Series().Match(l)).Where(m => m.Success && m.Groups["name"].Value == metric)
            .Sum(m => double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(?<value>\S+)")]
    private static partial Regex Series();

    /// <summary>Pipes the body through <c>promtool check metrics</c> (Debian package prometheus; .ci/run installs it).</summary>
    private static async Task PromtoolAcceptsAsync(string body)
    {
        var start = new ProcessStartInfo("promtool", "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"promtool is not installed ({ex.Message}): run .ci/run, or apt-get install prometheus.");
            return;
        }
        using (process)
        {
            await process.StandardInput.WriteAsync(body);
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync(Ct) + await process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            Assert.True(process.ExitCode == 0, $"promtool check metrics failed: {output}");
        }
    }
}
