using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Bench.Testnet;

/// <summary>
/// What a node hands a peer that asks it for addresses (<c>_addrs</c>, node exchange): a raw peer connects,
/// completes the handshake with a fresh id and asks for as many as an honest node asks for (the default
/// <c>Size</c>). The node draws its answer as bootstrap draws its dial sample (<c>SampleTrustedShare</c> from
/// explicit and tried addresses, trusted ones first, the new table filling what they lack), which REST does not
/// show, so this is the bench's view of the dial sample. (Asked for 100, a node that has tried only a few honest
/// addresses fills the rest from the new table, which is what a flood fills.)
/// </summary>
internal static class ExchangeProbe
{
    private static readonly int AskSize = new PeerNetOptions().Size;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public static async Task<IReadOnlyList<string>> AskAsync(TestnetNode node, CancellationToken cancellationToken)
    {
        var random = new RandomSource();
        Span<byte> idBytes = stackalloc byte[ProtocolLimits.NodeIdLength];
        random.NextBytes(idBytes);
        var self = NodeId.Read(idBytes);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience * 3);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(node.PeerAddress), timeout.Token);
        var helloId = Messages.NewId(random);
        var askId = Messages.NewId(random);
        await SendAsync(socket, Messages.HelloRequest(helloId, self, new HelloExtension(HelloExtension.CurrentVersion, HelloFeatures.ControlFrames)), timeout.Token);

        var answers = new List<string>();
        var buffer = new byte[64 * 1024];
        var pending = new ArrayBufferWriter<byte>();
        Stopwatch? asked = null;
        try
        {
            while (answers.Count < AskSize && (asked is null || asked.Elapsed < Patience))
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                pending.Write(buffer.AsSpan(0, result.Count));
                var sequence = new ReadOnlySequence<byte>(pending.WrittenMemory);
                while (FrameReader.TryReadFrame(ref sequence, ProtocolLimits.DefaultMaxFrameLength, out var payload) == FrameStatus.Frame)
                {
                    if (payload.IsEmpty)
                        continue;
                    var message = Message.Parser.ParseFrom(payload);
                    if (message.KindCase == Message.KindOneofCase.Request && message.Request.Type.Equals(MessageTypes.Hello))
                        await SendAsync(socket, Messages.HelloResponse(Messages.NewId(random), message.Request.Id, self), timeout.Token);
                    else if (message.KindCase == Message.KindOneofCase.Response && message.Response.Reply.Equals(helloId) && asked is null)
                    {
                        await SendAsync(socket, Messages.AddrsRequest(askId, AskSize), timeout.Token);
                        asked = Stopwatch.StartNew();
                    }
                    else if (message.KindCase == Message.KindOneofCase.Response && message.Response.Reply.Equals(askId))
                        answers.Add(message.Response.Data.ToStringUtf8());
                }
                var rest = sequence.ToArray();
                pending.ResetWrittenCount();
                pending.Write(rest);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // the node said all it would
        }
        socket.Abort();
        return answers;
    }

    private static Task SendAsync(ClientWebSocket socket, Message message, CancellationToken cancellationToken) =>
        socket.SendAsync(FrameWriter.ToFrame(message), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
}
