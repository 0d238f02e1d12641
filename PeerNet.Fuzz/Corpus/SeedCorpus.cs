using System.Text;
using Google.Protobuf;
using PeerNet.Fuzz.Targets;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Fuzz.Corpus;

/// <summary>
/// Writes the committed seed corpora (<c>corpus/&lt;target&gt;/*.bin</c>) and AFL dictionaries (<c>corpus/&lt;target&gt;.dict</c>):
/// <c>PeerNet.Fuzz seeds PeerNet.Fuzz/corpus</c>. Inputs AFL found that crashed are kept next to them (<c>found-*.bin</c>).
/// </summary>
public static class SeedCorpus
{
    /// <summary>The seeds of every target, by target name.</summary>
    /// <param name="askId">The id of the harness node's _addrs request (<see cref="AddrsTarget.AskId"/>).</param>
    public static IReadOnlyDictionary<string, IReadOnlyList<(string Name, byte[] Input)>> Build(ByteString askId)
    {
        return new Dictionary<string, IReadOnlyList<(string, byte[])>>
        {
            ["frames"] = Frames(),
            ["decode"] = [.. SeedFrames.All().Select((m, i) => ($"{i:00}-{Describe(m)}", m.ToByteArray()))],
            ["hello"] = Hello(),
            ["addrs"] = Addrs(askId),
        };
    }

    /// <summary>Writes the corpora and dictionaries under <paramref name="directory"/> (the seed files of each target are replaced).</summary>
    public static void Write(string directory)
    {
        ByteString askId;
        using (var addrs = new AddrsTarget())
            askId = addrs.AskId();
        foreach (var (target, seeds) in Build(askId))
        {
            var folder = Directory.CreateDirectory(Path.Combine(directory, target));
            foreach (var old in folder.GetFiles("seed-*.bin"))
                old.Delete();
            foreach (var (name, input) in seeds)
                File.WriteAllBytes(Path.Combine(folder.FullName, $"seed-{name}.bin"), input);
            File.WriteAllText(Path.Combine(directory, target + ".dict"), Dictionary(target, askId));
        }
    }

    private static List<(string, byte[])> Frames()
    {
        var all = SeedFrames.Stream([.. SeedFrames.All()]);
        return
        [
            ("original-hello-addrs-whole", [0, 0, .. SeedFrames.OriginalHelloAndAddrs]),
            ("original-hello-addrs-bytewise", [32, 0, .. SeedFrames.OriginalHelloAndAddrs]),
            ("original-replies-small-max", [7, 1, .. SeedFrames.OriginalHelloResponse, .. SeedFrames.OriginalEchoReply]),
            ("every-kind-with-keepalives", [13, 255, 0, .. all, 0, 0]),
            ("five-byte-prefix", [3, 255, 0x85, 0x80, 0x80, 0x80, 0x00, 0x0a, 0x00, 0x00, 0x00]),
        ];
    }

    private static List<(string, byte[])> Hello()
    {
        var peer = SeedFrames.PeerHello();
        var original = SeedFrames.OriginalHello();
        var answer = SeedFrames.HelloAnswer();
        return
        [
            ("peernet-hello-then-answer", SeedFrames.Stream(peer, answer)),
            ("original-hello-then-answer", SeedFrames.Stream(original, answer)),
            ("answer-then-hello", SeedFrames.Stream(answer, peer)),
            ("original-hello-and-addrs-then-answer", [.. SeedFrames.OriginalHelloAndAddrs, .. SeedFrames.Stream(answer)]),
            ("hello-twice-answer-twice", SeedFrames.Stream(peer, peer, answer, answer)),
        ];
    }

    private static List<(string, byte[])> Addrs(ByteString askId)
    {
        Message Answer(byte id, string address) => Messages.AddrsResponse(SeedFrames.Id(id), askId, 1, address);
        return
        [
            ("ask", SeedFrames.Stream(Messages.AddrsRequest(SeedFrames.Id(0x20), 5))),
            ("answers", SeedFrames.Stream(Answer(0x21, "tcp://198.51.100.7:7000"), Answer(0x22, "ws://203.0.113.9:8080/peer"), Answer(0x23, "wss://peer.example.org/peer?x=1"))),
            ("own-address", SeedFrames.Stream(Answer(0x24, "tcp://127.0.0.1:7000"), Answer(0x25, "ws://[::1]:9000"))),
            ("ask-and-answer", SeedFrames.Stream(Messages.AddrsRequest(SeedFrames.Id(0x26), 100), Answer(0x27, "tcp://192.0.2.44:1"))),
            ("unsolicited-and-relayed", SeedFrames.Stream(Messages.AddrsResponse(SeedFrames.Id(0x28), SeedFrames.Id(0x29), 1, "tcp://198.51.100.8:7000"),
                new Message { Request = new Announce { Id = SeedFrames.Id(0x2a), Hops = 1, Type = MessageTypes.Addrs, Data = ByteString.CopyFromUtf8("{\"size\":3}"), Limit = 2 } })),
        ];
    }

    /// <summary>AFL dictionary: the protocol's type names, the JSON key, schemes, and the node's fixed ids.</summary>
    private static string Dictionary(string target, ByteString askId)
    {
        var tokens = new List<byte[]> { "_hello"u8.ToArray(), "_addrs"u8.ToArray(), "{\"size\":"u8.ToArray(), "tcp://"u8.ToArray(), "ws://"u8.ToArray(), "wss://"u8.ToArray(), "_pn.census"u8.ToArray(), "_pn.ack"u8.ToArray(), "PN\x01\x01"u8.ToArray() };
        if (target is "hello" or "addrs")
            tokens.Add(SeedFrames.NodeHelloId().ToByteArray());
        if (target == "addrs")
            tokens.Add(askId.ToByteArray());
        var text = new StringBuilder();
        for (var i = 0; i < tokens.Count; i++)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"t{i}=\"{string.Concat(tokens[i].Select(b => $"\\x{b:x2}"))}\"\n");
        return text.ToString();
    }

    private static string Describe(Message message) => message.KindCase switch
    {
        Message.KindOneofCase.Request => "request" + message.Request.Type.ToStringUtf8(),
        Message.KindOneofCase.Response => "response" + message.Response.Type.ToStringUtf8(),
        Message.KindOneofCase.Control => "control",
        _ => "empty",
    };
}
