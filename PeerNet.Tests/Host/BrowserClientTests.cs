using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Host;

/// <summary>
/// The browser client (clients/js) in headless Chromium against real hosts: loaded from its seed node's
/// <c>/client/</c>, joined over a WebSocket to <c>/peer</c>, announcing to and answering .NET nodes' sidecars, and two
/// pages joined by a WebRTC data channel signalled through a host.
/// </summary>
[Collection(Chromium.Collection)]
public sealed class BrowserClientTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Patience = TestCluster.Patience;
    // ICE and the DTLS handshake of a data channel, in a browser sharing two cores with the rest of the suite: seconds
    // alone, and one CI run in five took over 15 s.
    private static readonly TimeSpan ChannelPatience = TimeSpan.FromSeconds(60);
    private readonly TestCluster _cluster = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task TheClientsFiles_AreServedWithTheirContentTypes_AnETag_NoCache_AndCors()
    {
        var node = await _cluster.StartAsync();
        foreach (var (name, type) in new[] { ("peernet.js", "text/javascript"), ("session.js", "text/javascript"), ("webrtc.js", "text/javascript"), ("peernet.d.ts", "text/plain") })
        {
            using var response = await node.Client.GetAsync($"/client/{name}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(File.ReadAllText(Path.Combine(Deploy.DeployFiles.Root, "clients", "js", "src", name)), body);

            using var again = new HttpRequestMessage(HttpMethod.Get, $"/client/{name}");
            again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            using var cached = await node.Client.SendAsync(again, Ct);
            Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        }
        using var missing = await node.Client.GetAsync("/client/nothing.js", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task APage_AnnouncesThroughItsSeed_ASidecarOneHopOnReplies_AndAnswersTheSidecarsAnnounce()
    {
        var a = await _cluster.StartAsync(Quiet);
        var b = await _cluster.StartAsync(Quiet);
        await ConnectAsync(b, a);
        var sidecar = _cluster.Track(await SseStream.GetAsync(b.Client, "/api/requests?type=browser.search"));
        Assert.Equal(HttpStatusCode.OK, sidecar.Response.StatusCode);
        await using var chromium = await Chromium.LaunchAsync();
        await using var page = await BrowserPeer.JoinAsync(chromium, a);

        // The seed lists the page as an inbound peer under the node id its Ed25519 key gives it.
        await _cluster.UntilAsync(async () => (await a.Client.GetFromJsonAsync<JsonElement>("/api/connections", Ct)).EnumerateArray()
            .Any(c => c.GetProperty("peerId").GetString() == page.Id && c.GetProperty("direction").GetString() == "inbound"), "the seed has the page as a peer");
        Assert.Equal([a.PeerAddress], await page.ConnectionsAsync());
        // The page proved that id with its key (the identity extension of _hello): the seed marks it verified, and
        // the page verified the seed's proof in turn.
        Assert.True(Assert.Single((await a.Client.GetFromJsonAsync<JsonElement>("/api/connections", Ct)).EnumerateArray(),
            c => c.GetProperty("peerId").GetString() == page.Id).GetProperty("verified").GetBoolean());
        Assert.True(await page.EvaluateAsync<bool>("(id) => window.pn.peers().find((p) => p.nodeId === id).verified", a.Node.Id.ToString()));

        // The page's announce reaches b's sidecar (hop 1: page -> a -> b); its reply comes back to the page.
        await page.AnnounceAsync("browser.search", "from the page");
        var request = (await sidecar.NextAsync(Patience))!.Value;
        Assert.Equal("from the page", request.GetProperty("data").GetString());
        Assert.Equal(1, request.GetProperty("hops").GetInt32());
        // The page signs its announces; a, forwarding, checked the signature and kept it: b's sidecar knows who asked.
        Assert.Equal(page.Id, request.GetProperty("signerId").GetString());
        var handle = request.GetProperty("handle").GetString();
        Assert.Equal(HttpStatusCode.Accepted, (await b.Client.PostAsJsonAsync($"/api/requests/{handle}/reply", new { data = "from dotnet", sign = true }, Ct)).StatusCode);
        await _cluster.UntilAsync(async () => (await page.ResponsesAsync("browser.search")).Count == 1, "the sidecar's reply reaches the page");
        var answer = Assert.Single(await page.ResponsesAsync("browser.search"));
        Assert.Equal("from dotnet", answer.GetProperty("text").GetString());
        Assert.Equal(1, answer.GetProperty("hops").GetInt32());
        Assert.True(answer.GetProperty("signed").GetBoolean()); // b's signed reply, checked by the page

        // b announces over REST; the page receives it (hop 1) and its reply is b's answer stream's.
        await using var ask = await SseStream.OpenAsync(b.Client, new HttpRequestMessage(HttpMethod.Post, "/api/announce?timeoutMs=10000&max=1")
        {
            Content = JsonContent.Create(new { type = "browser.ask", data = "who is there" }),
        });
        var answers = await ask.ToEndAsync(Patience);
        Assert.Equal($"page {page.Id} answers who is there", Assert.Single(answers).GetProperty("data").GetString());
        var seen = Assert.Single(await page.RequestsAsync(), r => r.GetProperty("type").GetString() == "browser.ask");
        Assert.Equal(1, seen.GetProperty("hops").GetInt32());
    }

    [Fact]
    public async Task TwoPages_OpenADataChannelSignalledThroughTheHost_AndStillTalkOverItWhenOnesHostLinkIsCut()
    {
        var host = await _cluster.StartAsync(Quiet);
        var signals = _cluster.Track(await SseStream.GetAsync(host.Client, "/api/requests?type=signal.webrtc"));
        await using var chromium = await Chromium.LaunchAsync(Chromium.WebRtcLoopbackArgs);
        await using var first = await BrowserPeer.JoinAsync(chromium, host, loopbackOnly: true);
        await using var second = await BrowserPeer.JoinAsync(chromium, host, loopbackOnly: true);
        await _cluster.UntilAsync(() => host.Node.ConnectionTraffic().Count() == 2, "both pages joined the host");

        var channel = await first.EvaluateAsync<string>("() => window.pn.peer('webrtc')");
        Assert.Equal($"webrtc:{second.Id}", channel);
        await _cluster.UntilAsync(async () => (await second.ConnectionsAsync()).Contains($"webrtc:{first.Id}"), "the answering page has the channel", ChannelPatience);
        // Both clients send the identity extension: each proved its node id to the other over the channel.
        foreach (var (page, other) in new[] { (first, second), (second, first) })
            Assert.True(await page.EvaluateAsync<bool>("(id) => window.pn.peers().find((p) => p.nodeId === id).verified", other.Id));

        // The offer crossed the host as an ordinary announce: a minimised SDP within the data limit, loopback candidates only.
        var offer = (await signals.NextAsync(Patience))!.Value;
        var signal = JsonDocument.Parse(offer.GetProperty("data").GetString()!).RootElement;
        Assert.Equal("offer", signal.GetProperty("type").GetString());
        Assert.True(offer.GetProperty("dataBase64").GetString()!.Length <= 1368); // base64 of 1024 bytes
        var candidates = signal.GetProperty("sdp").GetString()!.Split("\r\n").Where(l => l.StartsWith("a=candidate:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(candidates);
        Assert.All(candidates, c => Assert.Contains(" udp ", c, StringComparison.OrdinalIgnoreCase));
        Assert.All(candidates, c => Assert.Contains(" 127.0.0.1 ", c, StringComparison.Ordinal));

        // Cut the first page's host link: only the data channel is left to it.
        await first.EvaluateAsync<JsonElement?>("(address) => { window.pn.disconnect(address); }", host.PeerAddress);
        await _cluster.UntilAsync(async () => (await first.ConnectionsAsync()).SequenceEqual([$"webrtc:{second.Id}"]), "the first page has only the data channel");

        await first.AnnounceAsync("browser.ask", "over the channel");
        await _cluster.UntilAsync(async () => (await first.ResponsesAsync("browser.ask")).Count >= 1, "the second page's reply comes back over the channel");
        var answer = (await first.ResponsesAsync("browser.ask"))[0];
        Assert.Equal($"page {second.Id} answers over the channel", answer.GetProperty("text").GetString());
        Assert.True(answer.GetProperty("signed").GetBoolean());
        var request = Assert.Single(await second.RequestsAsync(), r => r.GetProperty("type").GetString() == "browser.ask");
        Assert.Equal(0, request.GetProperty("hops").GetInt32()); // straight from the first page
        Assert.True(request.GetProperty("signed").GetBoolean());
        // The host has one page left, the second, which forwarded the announce to it.
        await _cluster.UntilAsync(() => host.Node.ConnectionTraffic().Count() == 1, "the host lost the first page");
    }

    [Fact]
    public async Task AnOriginalStyleOffer_AnnouncedThroughAHostsRestApi_IsAnsweredByAPage_AndItsChannelCarriesThePagesHello()
    {
        var host = await _cluster.StartAsync(Quiet);
        await using var chromium = await Chromium.LaunchAsync(Chromium.WebRtcLoopbackArgs);
        await using var answering = await BrowserPeer.JoinAsync(chromium, host, loopbackOnly: true);
        // The dialler is no client: a bare RTCPeerConnection signalling as the original (simple-peer, trickle off) does,
        // the whole SDP as JSON { type, sdp }, unminimised (its candidates kept to 127.0.0.1, so traffic stays on loopback).
        await using var dialler = await BrowserPeer.JoinAsync(chromium, host, loopbackOnly: true);
        await dialler.EvaluateAsync<JsonElement?>("() => { window.pn.close(); }"); // the page's own client leaves: only the bare connection speaks
        // An original dialler gives up on a channel that does not open and dials again (its wrtc.js times out): so does
        // this one, up to three times. One full-suite run in three saw a first channel never open, with the signals
        // intact (ICE on loopback while two cores run the rest of the suite); alone it opens at the first try.
        var attempts = new List<string>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var (opened, why) = await TryOriginalStyleOfferAsync(host, dialler);
            if (opened)
                return;
            attempts.Add($"attempt {attempt}: {why}");
        }
        Assert.Fail("no data channel carried the page's _hello: " + string.Join("; ", attempts));
    }

    private async Task<(bool Opened, string Why)> TryOriginalStyleOfferAsync(TestNode host, BrowserPeer dialler)
    {
        var offer = await dialler.EvaluateAsync<string>("""
            async () => {
              window.rawPc?.close();
              const pc = window.rawPc = new RTCPeerConnection({ iceServers: [] });
              const channel = pc.createDataChannel('simple-peer');
              channel.binaryType = 'arraybuffer';
              window.rawBytes = [];
              channel.onmessage = (e) => window.rawBytes.push(...new Uint8Array(e.data));
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise((resolve) => {
                if (pc.iceGatheringState === 'complete') resolve();
                pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') resolve(); };
              });
              const sdp = pc.localDescription.sdp.split('\r\n')
                .filter((l) => !l.startsWith('a=candidate:') || (l.includes(' udp ') && l.includes(' 127.0.0.1 '))).join('\r\n');
              return JSON.stringify({ type: 'offer', sdp });
            }
            """);
        Assert.Contains("a=extmap-allow-mixed", offer, StringComparison.Ordinal); // unminimised

        await using var signal = await SseStream.OpenAsync(host.Client, new HttpRequestMessage(HttpMethod.Post, "/api/announce?timeoutMs=20000&max=1")
        {
            Content = JsonContent.Create(new { type = "signal.webrtc", data = offer }),
        });
        Assert.Equal(HttpStatusCode.OK, signal.Response.StatusCode);
        var answer = Assert.Single(await signal.ToEndAsync(TimeSpan.FromSeconds(25))).GetProperty("data").GetString()!;
        Assert.Equal("answer", JsonDocument.Parse(answer).RootElement.GetProperty("type").GetString());
        await dialler.EvaluateAsync<JsonElement?>("async (answer) => { await window.rawPc.setRemoteDescription(JSON.parse(answer)); }", answer);

        // The answering client treats the channel as a peer connection: its first frame is its _hello request.
        var opened = true;
        try
        {
            await Wait.UntilAsync(() => dialler.EvaluateAsync<bool>("() => new TextDecoder().decode(new Uint8Array(window.rawBytes)).includes('_hello')"),
                TimeSpan.FromSeconds(20), "the page's _hello arrives over the channel");
        }
        catch (TimeoutException)
        {
            opened = false;
        }
        var candidates = (offer.Split("a=candidate:").Length - 1, answer.Split("a=candidate:").Length - 1);
        return (opened, $"{candidates.Item1} offered and {candidates.Item2} answered candidates, ICE {await dialler.EvaluateAsync<string>("() => window.rawPc.iceConnectionState")}");
    }

    [Fact]
    public async Task TheReadmesTenLinePage_OnAnotherOrigin_ImportsTheClientFromItsSeed_AndShowsASidecarsReply()
    {
        var seed = await _cluster.StartAsync(Quiet);
        var sidecar = _cluster.Track(await SseStream.GetAsync(seed.Client, "/api/requests?type=hello"));
        var html = ReadmePage().Replace("127.0.0.1:5000", $"127.0.0.1:{seed.BaseAddress.Port}", StringComparison.Ordinal);
        await using var site = new OnePageServer(html); // the page's own origin, not the seed's
        await using var chromium = await Chromium.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            var console = new System.Collections.Concurrent.ConcurrentQueue<string>();
            page.Console += (_, message) => console.Enqueue($"{message.Type}: {message.Text}");
            page.PageError += (_, error) => console.Enqueue($"pageerror: {error}");
            await page.GotoAsync(site.Address.ToString());

            JsonElement request;
            try
            {
                request = (await sidecar.NextAsync(Patience))!.Value;
            }
            catch (TimeoutException ex)
            {
                throw new InvalidOperationException($"{ex.Message} The page logged: {string.Join(" | ", console)}; it shows: {await page.InnerTextAsync("body")}", ex);
            }
            Assert.Equal("from a page", request.GetProperty("data").GetString());
            var handle = request.GetProperty("handle").GetString();
            Assert.Equal(HttpStatusCode.Accepted, (await seed.Client.PostAsJsonAsync($"/api/requests/{handle}/reply", new { data = "from dotnet" }, Ct)).StatusCode);
            await _cluster.UntilAsync(async () => (await page.InnerTextAsync("#log")).Contains("reply: from dotnet", StringComparison.Ordinal), "the page shows the reply");
            var log = await page.InnerTextAsync("#log");
            Assert.True(console.IsEmpty, "the page logged: " + string.Join(" | ", console));
            Assert.Matches($"node [0-9a-f]{{32}}, connected to {Regex.Escape(seed.PeerAddress)}", log);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>The html block of the README's "Browser peers" section.</summary>
    private static string ReadmePage()
    {
        var readme = Deploy.DeployFiles.Read("README.md");
        var section = readme[readme.IndexOf("## Browser peers", StringComparison.Ordinal)..];
        var start = section.IndexOf("```html\n", StringComparison.Ordinal) + "```html\n".Length;
        return section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static readonly TestNodeOptions Quiet = TestNodeOptions.With(("PeerNet:Purge", "0"));

    private static async Task ConnectAsync(TestNode from, TestNode to)
    {
        var response = await from.Client.PostAsJsonAsync("/api/connections", new { address = to.PeerAddress }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
