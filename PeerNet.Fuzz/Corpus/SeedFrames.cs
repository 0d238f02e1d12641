using Google.Protobuf;
using PeerNet.Fuzz.Sessions;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Fuzz.Corpus;

/// <summary>
/// Valid frames the seed corpora are built from: the original peernet's frames captured on the wire (the vectors of
/// PeerNet.Tests' WireVectors), and PeerNet's own messages of each kind.
/// </summary>
public static class SeedFrames
{
    /// <summary>The scripted peer's node id (as ScriptedPeer.Id in the tests).</summary>
    public static readonly NodeId PeerId = NodeId.Read(Convert.FromHexString("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"));

    /// <summary>An original node's _hello request and _addrs request, one WebSocket message (two frames, prefixes included).</summary>
    public static readonly byte[] OriginalHelloAndAddrs = Convert.FromHexString(
        "26" + "0a24" + "0a0401156dce" + "1000" + "22065f68656c6c6f" + "2a10b384aeb1b0f957ca42d6d6121beb1db7" + "3001"
        + "21" + "0a1f" + "0a043676729f" + "1000" + "22065f6164647273" + "2a0b7b2273697a65223a31307d" + "3001");

    /// <summary>An original node's answer to a _hello request with id c0ffee01 (one frame).</summary>
    public static readonly byte[] OriginalHelloResponse = Convert.FromHexString(
        "2a" + "1228" + "0a045d5e8afa" + "1000" + "1a04c0ffee01" + "22065f68656c6c6f" + "2a10be2008c52eb0f55ce2f4276fa6112a37");

    /// <summary>An original node's reply "echo:hi" to request aaaa0001 (one frame).</summary>
    public static readonly byte[] OriginalEchoReply = Convert.FromHexString(
        "21" + "121f" + "0a04aaaa0001" + "1000" + "1a04aaaa0001" + "22046563686f" + "2a076563686f3a6869" + "3003");

    /// <summary>The id of the _hello request the harness node sends (its randomness restarts from <see cref="SessionHarness.Seed"/>).</summary>
    public static ByteString NodeHelloId() => PeerNet.Protocol.Messages.NewOwnedId(new ReplayableRandom(SessionHarness.Seed));

    /// <summary>The peer's _hello request as a PeerNet node sends it (the extension announces control frames).</summary>
    public static Message PeerHello() => PeerNet.Protocol.Messages.HelloRequest(Id(0x01), PeerId, new HelloExtension(HelloExtension.CurrentVersion, HelloFeatures.ControlFrames));

    /// <summary>The peer's _hello request as an original node sends it (16 bytes of data, no extension).</summary>
    public static Message OriginalHello() => new()
    {
        Request = new Announce { Id = Id(0x02, 4), Hops = 0, Type = MessageTypes.Hello, Data = ByteString.CopyFrom(PeerId.ToArray()), Limit = 1 },
    };

    /// <summary>The peer's answer to the harness node's _hello.</summary>
    public static Message HelloAnswer() => PeerNet.Protocol.Messages.HelloResponse(Id(0x03), NodeHelloId(), PeerId);

    /// <summary>What the addrs target sends before its input: a full handshake.</summary>
    public static byte[] Handshake() => Stream(PeerHello(), HelloAnswer());

    /// <summary>The frames of <paramref name="messages"/>, prefixes included.</summary>
    public static byte[] Stream(params Message[] messages) => [.. messages.SelectMany(FrameWriter.ToFrame)];

    /// <summary>One payload of each kind of message (no prefixes).</summary>
    public static IEnumerable<byte[]> Payloads()
    {
        foreach (var message in All())
            yield return message.ToByteArray();
    }

    /// <summary>A message of each kind a peer sends.</summary>
    public static IEnumerable<Message> All()
    {
        yield return PeerHello();
        yield return OriginalHello();
        yield return HelloAnswer();
        yield return PeerNet.Protocol.Messages.AddrsRequest(Id(0x04), 10);
        yield return PeerNet.Protocol.Messages.AddrsResponse(Id(0x05), Id(0x06), 1, "tcp://198.51.100.7:7000");
        yield return new Message { Request = new Announce { Id = Id(0x07), Hops = 2, Type = ByteString.CopyFromUtf8("echo"), Data = ByteString.CopyFromUtf8("hi"), Limit = 3, Report = true } };
        yield return new Message { Response = new Announce { Id = Id(0x08), Hops = 1, Reply = Id(0x07), Type = ByteString.CopyFromUtf8("echo"), Data = ByteString.CopyFromUtf8("echo:hi") } };
        var control = new Control { Prune = true, LastResort = true };
        control.Ihave.Add(Id(0x09));
        control.Graft.Add(Id(0x0a));
        control.Nack.Add(Id(0x0b));
        yield return new Message { Control = control };
        yield return new Message();
    }

    /// <summary>An id of <paramref name="length"/> bytes, all <paramref name="b"/>.</summary>
    public static ByteString Id(byte b, int length = PeerNet.Protocol.Messages.GeneratedIdLength) =>
        ByteString.CopyFrom(Enumerable.Repeat(b, length).ToArray());
}
