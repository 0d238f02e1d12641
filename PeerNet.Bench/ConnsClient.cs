using System.Buffers;
using System.Net.WebSockets;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Bench;

/// <summary>
/// <c>conns-client --url U --count N --warm K</c> (hidden, started by <see cref="ConnsBench"/>): opens raw WebSocket
/// peer connections that complete the _hello handshake and then stay idle (still answering WebSocket pings). Says
/// <c>warm</c> after K, waits for a line on stdin, says <c>done</c> after N, and exits when stdin ends.
/// </summary>
internal static class ConnsClient
{
    private const int Parallelism = 64;

    public static async Task<int> RunAsync(BenchArgs args, string url)
    {
        var count = args.Int("count", 1_000);
        var warm = args.Int("warm", 100);
        using var stop = new CancellationTokenSource();
        var idle = new List<Task>(count);
        var random = new RandomSource();

        await OpenAsync(url, 0, warm, idle, random, stop.Token);
        Console.WriteLine("warm");
        await Console.In.ReadLineAsync();
        await OpenAsync(url, warm, count, idle, random, stop.Token);
        Console.WriteLine("done");
        while (await Console.In.ReadLineAsync() is not null)
        {
        }
        stop.Cancel();
        await Task.WhenAll(idle); // every socket aborted and disposed before the process exits
        return 0;
    }

    private static async Task OpenAsync(string url, int from, int to, List<Task> idle, RandomSource random, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (_, ct) =>
        {
            var socket = new ClientWebSocket();
            socket.Options.DangerousDeflateOptions = null;
            await socket.ConnectAsync(new Uri(url), ct);
            var buffer = new byte[4096];
            await HandshakeAsync(socket, buffer, random, ct);
            lock (idle)
                idle.Add(StayIdleAsync(socket, buffer, cancellationToken));
        });
    }

    /// <summary>Sends our _hello, answers the host's, and returns once the host answered ours.</summary>
    private static async Task HandshakeAsync(ClientWebSocket socket, byte[] buffer, RandomSource random, CancellationToken cancellationToken)
    {
        Span<byte> idBytes = stackalloc byte[ProtocolLimits.NodeIdLength];
        random.NextBytes(idBytes);
        var self = NodeId.Read(idBytes);
        var helloId = Messages.NewId(random);
        await SendAsync(socket, Messages.HelloRequest(helloId, self, new HelloExtension(HelloExtension.CurrentVersion, HelloFeatures.ControlFrames)), cancellationToken);

        bool answered = false, confirmed = false;
        var pending = new ArrayBufferWriter<byte>();
        while (!answered || !confirmed)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
                throw new InvalidOperationException("the host closed a connection during the handshake");
            pending.Write(buffer.AsSpan(0, result.Count));
            var sequence = new ReadOnlySequence<byte>(pending.WrittenMemory);
            while (FrameReader.TryReadFrame(ref sequence, ProtocolLimits.DefaultMaxFrameLength, out var payload) == FrameStatus.Frame)
            {
                var message = Message.Parser.ParseFrom(payload);
                if (message.KindCase == Message.KindOneofCase.Request && message.Request.Type.Equals(MessageTypes.Hello))
                {
                    await SendAsync(socket, Messages.HelloResponse(Messages.NewId(random), message.Request.Id, self), cancellationToken);
                    answered = true;
                }
                else if (message.KindCase == Message.KindOneofCase.Response && message.Response.Reply.Equals(helloId))
                {
                    confirmed = true;
                }
            }
            var rest = sequence.ToArray();
            pending.ResetWrittenCount();
            pending.Write(rest);
        }
    }

    /// <summary>Keeps a receive pending so WebSocket pings are answered; the host sends nothing else to an idle peer.</summary>
    private static async Task StayIdleAsync(ClientWebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                if ((await socket.ReceiveAsync(buffer, cancellationToken)).MessageType == WebSocketMessageType.Close)
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        socket.Abort();
        socket.Dispose();
    }

    private static Task SendAsync(ClientWebSocket socket, Message message, CancellationToken cancellationToken) =>
        socket.SendAsync(FrameWriter.ToFrame(message), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
}
