using PeerNet.Protocol;
using PeerNet.Topics;

namespace PeerNet.Tests.Topics;

/// <summary>The data of _pn.topic lookups and answers.</summary>
public sealed class TopicWireTests
{
    private static readonly NodeId Node = NodeId.Read(Convert.FromHexString("00112233445566778899aabbccddeeff"));

    [Fact]
    public void TheHashIsSha256OfThePrefixedName_SoTheNameNeverTravels()
    {
        var expected = System.Security.Cryptography.SHA256.HashData("peernet.topic:chat"u8);
        Assert.Equal(expected, TopicName.Hash("chat"));
        var lookup = TopicWire.EncodeLookup(TopicName.Hash("chat"), 5);
        Assert.Equal(TopicWire.LookupLength, lookup.Length);
        Assert.DoesNotContain("chat", System.Text.Encoding.Latin1.GetString(lookup), StringComparison.Ordinal);
        Assert.True(TopicWire.TryDecodeLookup(lookup, out var hash, out var want));
        Assert.Equal(expected, hash.ToArray());
        Assert.Equal(5, want);
    }

    [Fact]
    public void LongAddressesSplitOverSeveralAnswers_EachWithinTheDataLimit_AndReadBack()
    {
        var members = Enumerable.Range(0, 10).Select(i => ($"udp://{new string((char)('a' + i), 240)}", TimeSpan.FromSeconds(i))).ToList();
        var frames = TopicWire.EncodeAnswers(TopicName.Hash("t"), Node, members);

        Assert.True(frames.Count >= 3);
        Assert.All(frames, f => Assert.InRange(f.Length, TopicWire.AnswerHeaderLength, ProtocolLimits.MaxDataLength));
        var decoded = frames.Select(f => TopicWire.TryDecodeAnswer(f)!).ToList();
        Assert.All(decoded, a => Assert.Equal(Node, a.Node));
        Assert.Equal(members, decoded.SelectMany(a => a.Members));
    }

    [Theory]
    [InlineData(0)]   // version
    [InlineData(49)]  // count past the members
    [InlineData(-1)]  // trailing byte
    public void AnAnswerThatDoesNotAddUpIsRefused(int corrupt)
    {
        var frame = TopicWire.EncodeAnswers(TopicName.Hash("t"), Node, [("udp://x:1", TimeSpan.Zero)])[0];
        byte[] bad = corrupt switch
        {
            -1 => [.. frame, 0],
            _ => frame.ToArray(),
        };
        if (corrupt >= 0)
            bad[corrupt] += 1;
        Assert.Null(TopicWire.TryDecodeAnswer(bad));
    }

    [Fact]
    public void AnAnswerWithAnInvalidAddressIsRefusedWhole()
    {
        var frame = TopicWire.EncodeAnswers(TopicName.Hash("t"), Node, [("udp://x:1", TimeSpan.Zero)])[0];
        frame[^1] = (byte)' ';
        Assert.Null(TopicWire.TryDecodeAnswer(frame));
    }
}
