using System.Text.Json;
using Microsoft.Playwright;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// A page (in a browser context of its own) running the browser client that its host serves at <c>/client/</c>, joined
/// to that host's <c>/peer</c>. What the page receives is recorded in <c>window.seen</c> for the test to poll: requests
/// (signal.webrtc ones aside) and the responses to each announce the test made. On failure, the page's console is in
/// the message.
/// </summary>
public sealed class BrowserPeer : IAsyncDisposable
{
    // Runs in the page: imports the client from the host, joins it, records what arrives, and answers requests of
    // type browser.ask with "page <id> answers <data>".
    private const string Join = """
        async ({ address, loopbackOnly }) => {
          const { peernet } = await import('/client/peernet.js');
          const webrtc = loopbackOnly ? { candidate: (c) => c.protocol === 'udp' && c.address === '127.0.0.1' } : {};
          const pn = await peernet({ bootstrap: [address], webrtc });
          window.pn = pn;
          window.seen = { requests: [], responses: {} };
          pn.on('request', (req) => {
            if (req.type === 'signal.webrtc') return;
            window.seen.requests.push({ type: req.type, text: req.text, hops: req.hops, signed: !!req.signer });
            if (req.type === 'browser.ask') req.reply('page ' + pn.id + ' answers ' + req.text);
          });
          window.announce = (msg) => {
            const rows = window.seen.responses[msg.type] = [];
            pn.announce(msg).on('data', (row) => rows.push({ text: row.text, hops: row.hops, signed: !!row.signer }));
          };
          return pn.id;
        }
        """;

    private readonly IBrowserContext _context;
    private readonly List<string> _console = [];

    private BrowserPeer(IBrowserContext context, IPage page, string id)
    {
        _context = context;
        Page = page;
        Id = id;
    }

    public IPage Page { get; }

    /// <summary>The page's node id (hex), from its Ed25519 key.</summary>
    public string Id { get; private set; }

    /// <summary>Opens a page on <paramref name="node"/>'s origin and joins the node; <paramref name="loopbackOnly"/> signals only 127.0.0.1 ICE candidates.</summary>
    public static async Task<BrowserPeer> JoinAsync(Chromium chromium, TestNode node, bool loopbackOnly = false)
    {
        var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var peer = new BrowserPeer(context, page, "");
        page.Console += (_, message) => { lock (peer._console) peer._console.Add($"{message.Type}: {message.Text}"); };
        page.PageError += (_, error) => { lock (peer._console) peer._console.Add($"pageerror: {error}"); };
        await page.GotoAsync(new Uri(node.BaseAddress, "/client/peernet.js").ToString());
        peer.Id = await peer.EvaluateAsync<string>(Join, new { address = node.PeerAddress, loopbackOnly });
        return peer;
    }

    /// <summary>Runs <paramref name="script"/> in the page; a failure names what the page logged.</summary>
    public async Task<T> EvaluateAsync<T>(string script, object? arg = null)
    {
        try
        {
            return await Page.EvaluateAsync<T>(script, arg);
        }
        catch (PlaywrightException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\nThe page logged: {Console()}", ex);
        }
    }

    /// <summary>The page's connections, as <c>pn.connections()</c> names them.</summary>
    public async Task<string[]> ConnectionsAsync() => await EvaluateAsync<string[]>("() => window.pn.connections()");

    /// <summary>Announces from the page; its responses collect under <c>seen.responses[type]</c>.</summary>
    public Task AnnounceAsync(string type, string data) => EvaluateAsync<JsonElement?>("(msg) => { window.announce(msg); }", new { type, data });

    /// <summary>The requests the page received, as <c>{ type, text, hops, signed }</c>.</summary>
    public async Task<List<JsonElement>> RequestsAsync() =>
        [.. (await EvaluateAsync<JsonElement>("() => window.seen.requests")).EnumerateArray()];

    /// <summary>The responses to the page's announce of <paramref name="type"/>, as <c>{ text, hops, signed }</c>.</summary>
    public async Task<List<JsonElement>> ResponsesAsync(string type) =>
        [.. (await EvaluateAsync<JsonElement>("(type) => window.seen.responses[type] ?? []", type)).EnumerateArray()];

    public string Console()
    {
        lock (_console)
            return string.Join(" | ", _console);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
    }
}
