using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Bench.Testnet;

/// <summary>
/// One hostile connection to a node, from the attacker's own loopback address: it says hello with a spoofed id
/// (or, when <c>stuck</c>, never says anything, holding a pending-handshake slot until the node's timeout), then
/// answers every <c>_addrs</c> request the node sends it with as many fake addresses as the node accepts
/// (Size x <see cref="PeerNetLimits.AnswerAllowanceFactor"/>). Reconnects whenever the node closes it.
/// </summary>
internal sealed class HostileSession(Uri target, HttpMessageInvoker invoker, Func<NodeId> identity, bool stuck, FakeAddresses poison, AttackCounters counters)
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);
    private readonly RandomSource _random = new();

    /// <summary>A handler whose connections leave from <paramref name="source"/> (a loopback address of the attacker's own).</summary>
    public static SocketsHttpHandler BoundTo(IPAddress source) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Connects, attacks and reconnects until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var socket = new ClientWebSocket();
                socket.Options.DangerousDeflateOptions = null;
                Interlocked.Increment(ref counters.Attempts);
                await socket.ConnectAsync(target, invoker, cancellationToken);
                if (stuck)
                {
                    Interlocked.Increment(ref counters.Stuck);
                    await DrainAsync(socket, cancellationToken);
                }
                else
                {
                    await AttackAsync(socket, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException or InvalidOperationException)
            {
                // closed by the node (refused, evicted, timed out): come back
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await Task.Delay(ReconnectDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task AttackAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var self = identity();
        var helloId = Messages.NewId(_random);
        await SendAsync(socket, [Messages.HelloRequest(helloId, self, new HelloExtension(HelloExtension.CurrentVersion, HelloFeatures.ControlFrames))], cancellationToken);
        bool answered = false, confirmed = false, counted = false;
        var buffer = new byte[64 * 1024];
        var pending = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                    return;
                pending.Write(buffer.AsSpan(0, result.Count));
                var sequence = new ReadOnlySequence<byte>(pending.WrittenMemory);
                while (FrameReader.TryReadFrame(ref sequence, ProtocolLimits.DefaultMaxFrameLength, out var payload) == FrameStatus.Frame)
                {
                    if (payload.IsEmpty)
                        continue;
                    var message = Message.Parser.ParseFrom(payload);
                    if (message.KindCase == Message.KindOneofCase.Request && message.Request.Type.Equals(MessageTypes.Hello))
                    {
                        await SendAsync(socket, [Messages.HelloResponse(Messages.NewId(_random), message.Request.Id, self)], cancellationToken);
                        answered = true;
                    }
                    else if (message.KindCase == Message.KindOneofCase.Response && message.Response.Reply.Equals(helloId))
                    {
                        confirmed = true;
                    }
                    else if (message.KindCase == Message.KindOneofCase.Request && message.Request.Type.Equals(MessageTypes.Addrs) && message.Request.Hops == 0)
                    {
                        await PoisonAsync(socket, message.Request, cancellationToken);
                    }
                    if (answered && confirmed && !counted)
                    {
                        counted = true;
                        Interlocked.Increment(ref counters.Handshakes);
                        Interlocked.Increment(ref counters.Open);
                    }
                }
                var rest = sequence.ToArray();
                pending.ResetWrittenCount();
                pending.Write(rest);
            }
        }
        finally
        {
            if (counted)
            {
                Interlocked.Decrement(ref counters.Open);
                if (!cancellationToken.IsCancellationRequested)
                    Interlocked.Increment(ref counters.Dropped);
            }
            else if (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref counters.Refused);
            }
        }
    }

    /// <summary>Answers an _addrs request with every fake address the node will take for it.</summary>
    private async Task PoisonAsync(ClientWebSocket socket, Announce request, CancellationToken cancellationToken)
    {
        var count = Messages.RequestedAddressCount(request.Data, ProtocolLimits.MaxAddressesPerAnswer) * PeerNetLimits.AnswerAllowanceFactor;
        var answers = new List<Message>(count);
        for (var i = 0; i < count; i++)
            answers.Add(Messages.AddrsResponse(Messages.NewId(_random), request.Id, request.Limit, poison.Next()));
        await SendAsync(socket, answers, cancellationToken);
        Interlocked.Add(ref counters.AddressesSent, count);
    }

    /// <summary>Reads (answering WebSocket pings) until the node closes the connection.</summary>
    private static async Task DrainAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while ((await socket.ReceiveAsync(buffer, cancellationToken)).MessageType != WebSocketMessageType.Close)
        {
        }
    }

    /// <summary>Sends <paramref name="messages"/> as frames of one WebSocket message (as a peer's writer batches them).</summary>
    private static ValueTask SendAsync(ClientWebSocket socket, IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        var batch = new ArrayBufferWriter<byte>();
        foreach (var message in messages)
            FrameWriter.Write(batch, message);
        return socket.SendAsync(batch.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
    }
}
