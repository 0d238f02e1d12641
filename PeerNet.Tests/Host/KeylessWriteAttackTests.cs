using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PeerNet.Tests.Infrastructure;
using Serilog.Core;

namespace PeerNet.Tests.Host;

/// <summary>
/// Attacks on a node without an API key, from a loopback client over real HTTP: DNS rebinding (a page on
/// evil.example whose name now points at 127.0.0.1 sends Host: evil.example) and cross-site request forgery (a page
/// elsewhere makes the browser on the node's host POST to localhost). Both were accepted before; now 403.
/// </summary>
public sealed class KeylessWriteAttackTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _dir = new();
    private TestNode _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestNode.StartAsync(_dir.File("kw.db"));

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        _dir.Dispose();
    }

    private static HttpRequestMessage Save(string? host = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/nodes") { Content = JsonContent.Create(new { addresses = new[] { "ws://a.example:1/peer" } }) };
        if (host is not null)
            request.Headers.Host = host;
        return request;
    }

    // What fetch('http://localhost:5000/api/announce', {method: 'POST', mode: 'no-cors'}) on another site sends: no
    // body, so no content type to check (the endpoint accepts an empty body), and the browser's own headers.
    private HttpRequestMessage CrossSiteAnnounce(string? origin, string? fetchSite)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/announce?timeoutMs=1") { Content = new ByteArrayContent([]) };
        request.Headers.Host = $"localhost:{_node.BaseAddress.Port}";
        if (origin is not null)
            request.Headers.Add("Origin", origin);
        if (fetchSite is not null)
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        return request;
    }

    private static async Task<string> ForbiddenDetailAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task DnsRebinding_AWriteWithAForeignHost_Is403_AndNothingIsSaved()
    {
        var detail = await ForbiddenDetailAsync(await _node.Client.SendAsync(Save($"evil.example:{_node.BaseAddress.Port}"), Ct));
        Assert.Contains("evil.example", detail);
        Assert.Contains("PeerNet:ApiKey", detail);
        Assert.Equal(0, _node.Node.KnownCount);

        // The request stream is behind the same rule.
        var stream = new HttpRequestMessage(HttpMethod.Get, "/api/requests") { Headers = { Host = "evil.example" } };
        await ForbiddenDetailAsync(await _node.Client.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead, Ct));
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.9")]
    [InlineData("Forwarded", "for=203.0.113.9")]
    [InlineData("Via", "1.1 nginx")]
    public async Task AWriteThroughASameHostProxy_WithALoopbackHost_Is403_AndNothingIsSaved(string header, string value)
    {
        // nginx's default passes Host as the upstream's (127.0.0.1:PORT): the proxy's own header gives it away.
        var save = Save($"127.0.0.1:{_node.BaseAddress.Port}");
        save.Headers.Add(header, value);
        Assert.Contains("proxy", await ForbiddenDetailAsync(await _node.Client.SendAsync(save, Ct)));
        Assert.Equal(0, _node.Node.KnownCount);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public async Task ALoopbackHost_AnyPort_StillWrites(string host)
    {
        Assert.Equal(HttpStatusCode.OK, (await _node.Client.SendAsync(Save($"{host}:{_node.BaseAddress.Port}"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _node.Client.SendAsync(Save(host), Ct)).StatusCode);
    }

    [Fact]
    public async Task PeerUpgrades_AreExempt_FromTheHostRule()
    {
        // Not a write: /peer answers its own 400 (no upgrade asked for), not the write rule's 403.
        var request = new HttpRequestMessage(HttpMethod.Get, "/peer") { Headers = { Host = "evil.example" } };
        var response = await _node.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("http://evil.example", "cross-site")] // a current browser
    [InlineData("http://evil.example", null)] // one without Fetch Metadata still sends Origin on a cross-origin POST
    [InlineData(null, "cross-site")]
    public async Task Csrf_AnEmptyCrossSiteAnnounce_Is403_AndNothingIsSent(string? origin, string? fetchSite)
    {
        using var announces = _node.Services.Collect("peernet.announces.originated");
        var detail = await ForbiddenDetailAsync(await _node.Client.SendAsync(CrossSiteAnnounce(origin, fetchSite), Ct));
        Assert.Contains("another site", detail);
        Assert.Equal(0, announces.Sum());
    }

    [Fact]
    public async Task TheSameEmptyAnnounce_FromAScriptOrTheNodesOwnPage_IsAccepted()
    {
        using var announces = _node.Services.Collect("peernet.announces.originated");
        // Neither header (curl -X POST localhost:5000/api/announce): what worked before still works.
        Assert.Equal(HttpStatusCode.OK, (await _node.Client.SendAsync(CrossSiteAnnounce(null, null), Ct)).StatusCode);
        var ownPage = CrossSiteAnnounce($"http://localhost:{_node.BaseAddress.Port}", "same-origin");
        Assert.Equal(HttpStatusCode.OK, (await _node.Client.SendAsync(ownPage, Ct)).StatusCode);
        Assert.Equal(2, announces.Sum());
    }

    [Fact]
    public async Task ARefusal_IsLoggedAtDebug_NamingTheRule()
    {
        var sink = new LogSink();
        await using var node = await TestNode.StartAsync(_dir.File("log.db"),
            new Dictionary<string, string?> { ["PeerNet:Debug"] = "true", ["Serilog:MinimumLevel:Default"] = "Information" },
            services: s => s.AddSingleton<ILogEventSink>(sink));
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client.SendAsync(Save("evil.example"), Ct)).StatusCode);
        Assert.Contains(sink.Messages(), m => m.Contains("Write refused with 403") && m.Contains("ForeignHost") && m.Contains("/api/nodes"));
    }
}
