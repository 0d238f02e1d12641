using PeerNet.Gossip.Census;
using PeerNet.Protocol;

namespace PeerNet.Tests.Gossip.Census;

public class CensusAnswerTests
{
    private static NodeId Id(int n) => NodeId.Read(BitConverter.GetBytes((long)n).Concat(new byte[8]).ToArray());

    [Fact]
    public void AnAnswerRoundTrips_AndStaysWithinTheDataLimitAtItsMostPeers()
    {
        var peers = Enumerable.Range(1, 200).Select(i => new CensusPeer(Id(i), IsPeerNet: i % 2 == 0, Outbound: i % 3 == 0)).ToList();
        var answer = new CensusAnswer(Id(0), new string('v', 40), peers.Count, peers);
        var bytes = answer.Encode();
        Assert.True(bytes.Length <= ProtocolLimits.MaxDataLength, $"{bytes.Length} bytes");

        var read = CensusAnswer.TryDecode(bytes)!;
        Assert.Equal(Id(0), read.Node);
        Assert.Equal(new string('v', CensusAnswer.MaxVersionBytes), read.Version); // cut to the bound
        Assert.Equal(200, read.TotalPeers);
        Assert.Equal(peers.Take(CensusAnswer.MaxPeers), read.Peers);
    }

    [Theory]
    [InlineData("")]
    [InlineData("02")] // another format version
    [InlineData("01000102030405060708090a0b0c0d0e0f")] // cut before the version text
    [InlineData("01000102030405060708090a0b0c0d0e0f01ff000001")] // version not UTF-8, then a peer count with no peers
    public void AnythingElse_IsNotAnAnswer(string hex) =>
        Assert.Null(CensusAnswer.TryDecode(Convert.FromHexString(hex)));

    [Fact]
    public void Build_ListsAnswerersFirstThenSilentPeersWithWhoListedThem()
    {
        var original = Id(9);
        var a = new CensusAnswer(Id(1), "1.0", 2, [new CensusPeer(Id(2), true, true), new CensusPeer(original, false, false)]);
        var b = new CensusAnswer(Id(2), "1.0", 2, [new CensusPeer(Id(1), true, false), new CensusPeer(original, false, true)]);
        var nodes = CensusService.Build(Id(2), new Dictionary<NodeId, CensusAnswer> { [Id(1)] = a, [Id(2)] = b });

        Assert.Equal([Id(2).ToString(), Id(1).ToString(), original.ToString()], nodes.Select(n => n.Id));
        var silent = nodes[2];
        Assert.Equal((null, false), (silent.Version, silent.IsPeerNet));
        Assert.Equal([Id(1).ToString(), Id(2).ToString()], silent.Peers.Order());
    }
}
