using Microsoft.Playwright;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium driven by Playwright: the browser the machine has, never one Playwright downloads (it
/// cannot here, and <c>playwright install</c> is never run). Missing, the test fails saying how to install it.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The xunit collection of the classes that launch Chromium: one browser at a time, not one per class at once.</summary>
    public const string Collection = "Chromium";

    private static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>
    /// Flags for WebRTC between pages on loopback, with no STUN or TURN: loopback addresses become ICE candidates
    /// (<c>--allow-loopback-in-peer-connection</c>), every interface is enumerated because media permission is granted
    /// without a prompt (<c>--use-fake-ui-for-media-stream</c>; without it Chromium offers only the default route's
    /// address), and host candidates carry real addresses, not mDNS names (<c>WebRtcHideLocalIpsWithMdns</c> off).
    /// </summary>
    public static readonly string[] WebRtcLoopbackArgs =
        ["--allow-loopback-in-peer-connection", "--use-fake-ui-for-media-stream", "--disable-features=WebRtcHideLocalIpsWithMdns"];

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Starts headless Chromium with the common flags and <paramref name="extraArgs"/>.</summary>
    public static async Task<Chromium> LaunchAsync(params string[] extraArgs)
    {
        if (!File.Exists(ExecutablePath))
            Assert.Fail($"The browser tests need Chromium at {ExecutablePath}: run `bash .ci/run` (it installs what the tests need) or `apt-get install chromium`.");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = [.. Args, .. extraArgs],
                Timeout = 60_000, // a loaded 2-core machine starts a browser slowly
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
