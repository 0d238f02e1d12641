using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP server of one HTML page at <c>/</c> (any other path, the browser's favicon say, is an empty 204), on a port the OS assigns:
/// an origin of its own for a page, as a real site's would be (a page Playwright fulfils has no address, and Chromium
/// keeps such a page from reaching loopback).
/// </summary>
public sealed class OnePageServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly byte[] _page;

    public OnePageServer(string html)
    {
        _page = Encoding.UTF8.GetBytes(html);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await AnswerAsync(client.GetStream());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task AnswerAsync(NetworkStream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16 * 1024)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
                return;
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        var root = head.ToString().StartsWith("GET / ", StringComparison.Ordinal);
        var body = root ? _page : [];
        var status = root ? "200 OK" : "204 No Content";
        var headers = $"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(headers), timeout.Token);
        await stream.WriteAsync(body, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
