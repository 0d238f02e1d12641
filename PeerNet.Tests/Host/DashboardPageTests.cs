using System.Net.Http.Json;
using Microsoft.Playwright;
using PeerNet.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PeerNet.Tests.Host;

/// <summary>The dashboard at <c>/</c> in a real browser (Debian's headless Chromium, driven by Playwright) on a three-host network.</summary>
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
            await page.GotoAsync(a.BaseAddress + "", new PageGotoOptions { Timeout = Patience });
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

            // The map: the census where the node has one, else this node and its direct connections; three nodes either way.
            await page.Locator("#map-refresh").ClickAsync();
            var circles = page.Locator("#map circle[data-node-id]");
            await Expect(circles).ToHaveCountAsync(3, new() { Timeout = Patience });
            foreach (var node in new[] { a, b, c })
                await Expect(page.Locator($"#map circle[data-node-id='{node.Node.Id}']")).ToHaveCountAsync(1);
            await Expect(page.Locator($"#map circle.self[data-node-id='{a.Node.Id}']")).ToHaveCountAsync(1);
            await Expect(page.Locator("#map .edges line")).ToHaveCountAsync(2, new() { Timeout = Patience });

            lock (errors)
                Assert.True(errors.Count == 0, "The page logged errors: " + string.Join(" | ", errors));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var shot = Path.Combine(Path.GetTempPath(), $"peernet-dashboard-{Guid.NewGuid():N}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            throw new InvalidOperationException($"{ex.Message}\nScreenshot: {shot}\nPage text:\n{await page.InnerTextAsync("body")}", ex);
        }
    }

    private static async Task<int> PointsAsync(IPage page, string series)
    {
        var points = await page.Locator($"#chart polyline[data-series='{series}']").GetAttributeAsync("points", new() { Timeout = Patience });
        return string.IsNullOrWhiteSpace(points) ? 0 : points.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
