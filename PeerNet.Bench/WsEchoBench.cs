using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PeerNet.Bench;

/// <summary>
/// <c>wsecho --count N [--window W]</c>: the bare stack's limit for pingpong's work. A Kestrel WebSocket endpoint answers
/// every request frame with a response frame of pingpong's sizes; the client keeps W requests in flight; both sides
/// batch like PeerNet's writer (<see cref="FrameLink"/>). Same figures as pingpong.
/// </summary>
internal static class WsEchoBench
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var count = args.Int("count", 1_000_000);
        var window = args.Int("window", 1_000);
        var request = PingPayload.RequestFrame();
        var response = PingPayload.ResponseFrame();
        Console.Error.WriteLine($"wsecho: request frames of {request.Length} bytes, responses of {response.Length} bytes");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.UseWebSockets();
        app.Map("/echo", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false });
            await new FrameLink(socket, (link, _) => link.Send(response)).RunAsync(context.RequestAborted);
        });
        await app.StartAsync();
        var port = app.ListeningAddress().Port;

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/echo"), CancellationToken.None);
        var driver = new EchoDriver(request, window);
        using var stop = new CancellationTokenSource();
        var link = new FrameLink(client, driver.OnResponse);
        var running = link.RunAsync(stop.Token);

        Console.Error.WriteLine("wsecho: warm-up");
        await driver.RunBatchAsync(link, Math.Min(count, 100_000));
        var (done, seconds, cpuMicros, allocatedBytes) = await RoundTripTimer.MeasureAsync("wsecho", count, n => driver.RunBatchAsync(link, n));

        stop.Cancel();
        await running;
        await app.StopAsync();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            bench = "wsecho",
            count = done,
            window,
            seconds = Math.Round(seconds, 3),
            perSecond = Math.Round(done / seconds),
            cpuMicrosPerRoundTrip = Math.Round(cpuMicros, 2),
            allocatedBytesPerRoundTrip = Math.Round(allocatedBytes),
        }));
        return 0;
    }

    /// <summary>Keeps a window of requests in flight: each response that arrives sends the next request.</summary>
    private sealed class EchoDriver(byte[] request, int window)
    {
        private int _received, _target, _issued;
        private TaskCompletionSource<long>? _done;

        public Task<long> RunBatchAsync(FrameLink link, int count)
        {
            _received = 0;
            _issued = 0;
            _target = count;
            _done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            for (var i = 0; i < Math.Min(window, count); i++)
                Issue(link);
            return _done.Task;
        }

        /// <summary>Called on the client's read loop for every response frame.</summary>
        public void OnResponse(FrameLink link, int length)
        {
            var received = ++_received; // one read loop: no other thread touches the counters
            if (_issued < _target)
                Issue(link);
            if (received == _target)
                _done!.TrySetResult(received);
        }

        private void Issue(FrameLink link)
        {
            _issued++;
            link.Send(request);
        }
    }
}
