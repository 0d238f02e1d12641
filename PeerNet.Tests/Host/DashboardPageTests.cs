using System.Net.Http.Json;
using Microsoft.Playwright;
using PeerNet.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PeerNet.Tests.Host;

/// <summary>The dashboard at <c>/</c> in a real browser (Debian's headless Chromium, driven by Playwright) on a three-host network.</summary>
[Collection(Chromium.Collection)]
public sealed class DashboardPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Expectations poll until they hold; generous, as everything shares two cores with the rest of the suite.
    private static readonly float Patience = (float)TestCluster.Patience.TotalMilliseconds;

    [Fact]
    public async Task ThePage_ShowsTheNode_ConnectionsMadeAfterItLoaded_TheRatesChart_AndTheMapOfThreeNodes()
    {
        await using var cluster = new TestCluster();
        var (a, b, c) = (await cluster.StartAsync(), await cluster.StartAsync(), await cluster.StartAsync());
        await using var chromium = await Chromium.LaunchAsync();

        await OnPageAsync(chromium, a, async page =>
        {
            await Expect(page.Locator("#node-id")).ToHaveTextAsync(a.Node.Id, new() { Timeout = Patience });
            await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = Patience });
            await Expect(page.Locator("#connections-empty")).ToBeVisibleAsync(new() { Timeout = Patience });

            // Made after the page loaded: they can only arrive through the live stream.
            foreach (var other in new[] { b, c })
                Assert.True((await a.Client.PostAsJsonAsync("/api/connections", new { address = other.PeerAddress }, Ct)).IsSuccessStatusCode);
            foreach (var other in new[] { b, c })
            {
                var row = page.Locator($"#connections tbody tr[data-peer-id='{other.Node.Id}']");
                await Expect(row).ToHaveCountAsync(1, new() { Timeout = Patience });
                await Expect(row).ToContainTextAsync(other.PeerAddress, new() { Timeout = Patience });
                await Expect(row).ToContainTextAsync("outbound");
            }
            await Expect(page.Locator("#count-connections")).ToHaveTextAsync("2", new() { Timeout = Patience });

            // A few seconds of the stream give the chart a point a second.
            await cluster.UntilAsync(async () => await PointsAsync(page, "framesIn") >= 4, "the chart has points from the stream");
            Assert.True(await PointsAsync(page, "drops") >= 4);
            await Expect(page.Locator("#rate-frames")).Not.ToHaveTextAsync("–");

            // The map: a census from its button, which every node answers (the one run at load found this node alone).
            await UntilCensusAsync(cluster, page, "3 nodes answered");
            await ExpectMapAsync(page, a, [b, c], links: 2); // a-b and a-c: b and c list a only

            // A trace: an announce with a delivery report; the links it travelled are drawn as its tree.
            await page.Locator("#map-trace").ClickAsync();
            await Expect(page.Locator("#map-trace-note")).ToContainTextAsync("reached 2 (2 at hop 0)", new() { Timeout = Patience });
            await Expect(page.Locator("#map .edges line.tree")).ToHaveCountAsync(2, new() { Timeout = Patience });
        });

        // A node with censuses off draws its map from its direct connections (the census answers 404).
        var d = await cluster.StartAsync(TestNodeOptions.With(("PeerNet:Census", "false")));
        foreach (var other in new[] { b, c })
            Assert.True((await d.Client.PostAsJsonAsync("/api/connections", new { address = other.PeerAddress }, Ct)).IsSuccessStatusCode);
        await OnPageAsync(chromium, d, async page =>
        {
            await Expect(page.Locator("#node-id")).ToHaveTextAsync(d.Node.Id, new() { Timeout = Patience });
            await Expect(page.Locator("#map-source")).ToContainTextAsync("2 direct connections", new() { Timeout = Patience });
            await ExpectMapAsync(page, d, [b, c], links: 2);
        });

        // With an API key set, a census is a write even from loopback: the page asks for the key, then maps the network.
        var e = await cluster.StartAsync(TestNodeOptions.With(("PeerNet:ApiKey", ApiKey)));
        using (var connect = new HttpRequestMessage(HttpMethod.Post, "/api/connections") { Content = JsonContent.Create(new { address = b.PeerAddress }) })
        {
            connect.Headers.Add("X-Api-Key", ApiKey);
            using var connected = await e.Client.SendAsync(connect, Ct);
            Assert.True(connected.IsSuccessStatusCode);
        }
        await OnPageAsync(chromium, e, async page =>
        {
            var key = page.Locator("#map-key");
            await Expect(key).ToBeVisibleAsync(new() { Timeout = Patience });
            await Expect(page.Locator("#map-source")).ToContainTextAsync("the census needs the API key", new() { Timeout = Patience });
            await key.FillAsync(ApiKey);
            // a, b, c and e answer; d (censuses off) is drawn as a node that did not answer, listed by b and c.
            await UntilCensusAsync(cluster, page, "4 nodes answered");
            await Expect(page.Locator("#map circle[data-node-id]")).ToHaveCountAsync(5, new() { Timeout = Patience });
            await Expect(page.Locator($"#map circle.silent[data-node-id='{d.Node.Id}']")).ToHaveCountAsync(1);
            await Expect(page.Locator($"#map circle.self[data-node-id='{e.Node.Id}']")).ToHaveCountAsync(1);
        });
    }

    private const string ApiKey = "dashboard-test-key-0123456789";

    /// <summary>
    /// Presses Refresh until the map shows a census whose text has <paramref name="answered"/>: a census asked for within
    /// 2 s of the last gets that one's result, so a press right after another may bring back an older network.
    /// </summary>
    private static Task UntilCensusAsync(TestCluster cluster, IPage page, string answered)
    {
        var refresh = page.Locator("#map-refresh");
        var source = page.Locator("#map-source");
        return cluster.UntilAsync(async () =>
        {
            if (!await refresh.IsEnabledAsync())
                return false; // a census is running
            var text = await source.TextContentAsync() ?? "";
            if (text.Contains("census at", StringComparison.Ordinal) && text.Contains(answered, StringComparison.Ordinal))
                return true;
            await refresh.ClickAsync();
            return false;
        }, $"a census from the map's button shows {answered}", TimeSpan.FromSeconds(30));
    }

    /// <summary>Opens <paramref name="node"/>'s dashboard, runs <paramref name="check"/>, and requires a clean console; on failure, adds a screenshot and the page's text.</summary>
    private static async Task OnPageAsync(Chromium chromium, TestNode node, Func<IPage, Task> check)
    {
        var page = await chromium.Browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            // The census's 404, on a node without one, is the map's cue to fall back to direct connections.
            if (message.Type == "error" && !message.Location.Contains("/api/census", StringComparison.Ordinal))
                lock (errors) errors.Add($"{message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };
        try
        {
            await page.GotoAsync(node.BaseAddress.ToString(), new PageGotoOptions { Timeout = Patience });
            await check(page);
            lock (errors)
                Assert.True(errors.Count == 0, "The page logged errors: " + string.Join(" | ", errors));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var shot = Path.Combine(Path.GetTempPath(), $"peernet-dashboard-{Guid.NewGuid():N}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            throw new InvalidOperationException($"{ex.Message}\nScreenshot: {shot}\nPage text:\n{await page.InnerTextAsync("body")}", ex);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    private static async Task ExpectMapAsync(IPage page, TestNode self, TestNode[] others, int links)
    {
        await Expect(page.Locator("#map circle[data-node-id]")).ToHaveCountAsync(1 + others.Length, new() { Timeout = Patience });
        await Expect(page.Locator($"#map circle.self[data-node-id='{self.Node.Id}']")).ToHaveCountAsync(1);
        foreach (var other in others)
            await Expect(page.Locator($"#map circle.peernet[data-node-id='{other.Node.Id}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#map .edges line")).ToHaveCountAsync(links, new() { Timeout = Patience });
    }

    private static async Task<int> PointsAsync(IPage page, string series)
    {
        var points = await page.Locator($"#chart polyline[data-series='{series}']").GetAttributeAsync("points", new() { Timeout = Patience });
        return string.IsNullOrWhiteSpace(points) ? 0 : points.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
