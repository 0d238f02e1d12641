using System.Net.WebSockets;
using Google.Protobuf;
using PeerNet.Addressing;
using PeerNet.Identity;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;
using PeerNet.Tests.Infrastructure;
using PeerNet.Transport;

namespace PeerNet.Tests.Identity;

/// <summary>A test's own end of a connection to a host that speaks hello version 2 by hand: honestly, or not.</summary>
internal static class IdentityPeer
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static readonly HelloExtension Extension = new(HelloExtension.CurrentVersion, HelloFeatures.Identity | HelloFeatures.ControlFrames);

    /// <summary>A raw tcp connection to <paramref name="node"/>'s tcp listener.</summary>
    public static async Task<ScriptedPeer> TcpAsync(TestNode node, NodeId? id = null) =>
        new(await new TcpTransport().ConnectAsync(PeerAddress.Parse(node.TcpAddress), Ct)) { NodeId = id ?? ScriptedPeer.Id };

    /// <summary>A raw WebSocket to <paramref name="node"/>'s /peer endpoint.</summary>
    public static async Task<ScriptedPeer> WebSocketAsync(TestNode node, NodeId? id = null)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(node.PeerAddress), Ct);
        return new ScriptedPeer(new WebSocketConnection(socket, "ws")) { NodeId = id ?? ScriptedPeer.Id };
    }

    /// <summary>The host's _hello request (its first message).</summary>
    public static async Task<Announce> ReadHelloAsync(ScriptedPeer peer)
    {
        var hello = await peer.ReadTypeAsync("_hello");
        Assert.NotNull(hello);
        Assert.Equal(Message.KindOneofCase.Request, hello!.KindCase);
        Assert.Equal(HelloProof.RequestLength, hello.Request.Data.Length);
        return hello.Request;
    }

    public static ReadOnlySpan<byte> ChallengeOf(Announce helloRequest) =>
        helloRequest.Data.Span.Slice(HelloProof.IdentityOffset + NodeKey.PublicKeyLength, HelloProof.ChallengeLength);

    /// <summary>Says hello as <paramref name="key"/> with <paramref name="challenge"/> and answers the host's request honestly.</summary>
    public static async Task HandshakeAsync(ScriptedPeer peer, NodeKey key, Announce hostHello, byte[]? challenge = null)
    {
        challenge ??= HelloProof.NewChallenge();
        await peer.SendAsync(HelloProof.Request(ByteString.CopyFromUtf8("hello-req"), key, Extension, challenge));
        await peer.SendAsync(HelloProof.Response(ByteString.CopyFromUtf8("hello-res"), hostHello.Id, key, Extension, ChallengeOf(hostHello), challenge));
    }

    /// <summary>A _hello answer to <paramref name="hostHello"/> carrying <paramref name="data"/> as it is.</summary>
    public static Message Answer(Announce hostHello, ByteString data) => new()
    {
        Response = new Announce { Id = ByteString.CopyFromUtf8("answer"), Hops = 0, Reply = hostHello.Id, Type = MessageTypes.Hello, Data = data },
    };
}
