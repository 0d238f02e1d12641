using Microsoft.Playwright;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium driven by Playwright: the browser the machine has, never one Playwright downloads (it
/// cannot here, and <c>playwright install</c> is never run). Missing, the test fails saying how to install it.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            Assert.Fail($"The dashboard tests need Chromium at {ExecutablePath}: run `bash .ci/run` (it installs what the tests need) or `apt-get install chromium`.");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Args,
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
