using PeerNet.Gossip.Announcing;
using PeerNet.Protocol;

namespace PeerNet.Tests.Gossip.Announcing;

public class DeliveryAckTests
{
    private static NodeId Id(int n) => NodeId.Read(BitConverter.GetBytes((long)n).Concat(BitConverter.GetBytes((long)~n)).ToArray());

    [Fact]
    public void ABatchRoundTrips_AndAFullOneFitsTheDataLimit()
    {
        var acks = Enumerable.Range(0, 40).Select(i => new DeliveryAck(Id(i), (uint)i, Id(1000 + i), i % 3)).ToList();
        var bytes = DeliveryAck.Encode(acks);
        Assert.True(bytes.Length <= ProtocolLimits.MaxDataLength);
        Assert.Equal(acks.Take(DeliveryAck.MaxPerResponse), DeliveryAck.TryDecode(bytes)!);
        Assert.Equal(26, DeliveryAck.MaxPerResponse);
        Assert.Empty(DeliveryAck.TryDecode(DeliveryAck.Encode([]))!);
    }

    [Theory]
    [InlineData("")]
    [InlineData("02 00")] // another version
    [InlineData("01 01")] // says one, carries none
    [InlineData("01 1b")] // more than fit
    public void AnythingElse_IsNotABatch(string hex) =>
        Assert.Null(DeliveryAck.TryDecode(Convert.FromHexString(hex.Replace(" ", ""))));
}
