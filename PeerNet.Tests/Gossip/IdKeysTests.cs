using Google.Protobuf;
using PeerNet.Gossip;
using PeerNet.Protocol.Wire;

namespace PeerNet.Tests.Gossip;

/// <summary>The 128-bit keys of request ids and of responses in the router's caches.</summary>
public sealed class IdKeysTests
{
    private static ByteString Bytes(string hex) => ByteString.CopyFrom(Convert.FromHexString(hex));

    private static Announce Response(string id, string reply, string data, uint hops = 0) => new()
    {
        Id = Bytes(id),
        Hops = hops,
        Reply = Bytes(reply),
        Type = ByteString.CopyFromUtf8("search"),
        Data = Bytes(data),
    };

    [Fact]
    public void Of_TheSameBytes_GiveTheSameKey_WhicheverInstanceHoldsThem()
    {
        var first = Bytes("0102030405060708");
        var second = ByteString.CopyFrom(first.ToByteArray());
        Assert.NotSame(first, second);
        Assert.Equal(IdKeys.Of(first), IdKeys.Of(second));
        Assert.Equal(IdKeys.Of(ByteString.Empty), IdKeys.Of(ByteString.CopyFrom([])));
    }

    [Fact]
    public void Of_DifferentBytes_GiveDifferentKeys()
    {
        // Neighbours in value, in order and in length, and 10,000 counters.
        var ids = new[] { "", "00", "0000", "01", "0100", "0001", "ff", "0102", "0201" }.Select(Bytes)
            .Concat(Enumerable.Range(0, 10_000).Select(i => ByteString.CopyFrom(BitConverter.GetBytes((long)i))))
            .Append(ByteString.CopyFrom(new byte[64]))
            .ToList();
        Assert.Equal(ids.Count, ids.Select(IdKeys.Of).Distinct().Count());
    }

    [Fact]
    public void OfResponse_TheSameIdReplyAndData_GiveTheSameKey_WhateverTheHops()
    {
        // A response relayed along two paths arrives with other hop counts: it is still the same response.
        Assert.Equal(IdKeys.OfResponse(Response("aa01", "bb02", "cc03")), IdKeys.OfResponse(Response("aa01", "bb02", "cc03", hops: 5)));
    }

    [Theory]
    [InlineData("aa01ff", "bb02", "cc03")] // another id
    [InlineData("aa01", "bb02ff", "cc03")] // another reply
    [InlineData("aa01", "bb02", "cc03ff")] // other data
    [InlineData("aa01", "bb02", "")]
    public void OfResponse_ChangesWithEachOfIdReplyAndData(string id, string reply, string data)
    {
        Assert.NotEqual(IdKeys.OfResponse(Response("aa01", "bb02", "cc03")), IdKeys.OfResponse(Response(id, reply, data)));
    }

    [Fact]
    public void OfResponse_KeepsThePartsApart()
    {
        // The same bytes cut differently between id, reply and data are different responses: the original reuses
        // the request's id for every answer, so only reply and data tell its answers apart.
        var cuts = new[]
        {
            Response("aabb", "cc", "dd"),
            Response("aa", "bbcc", "dd"),
            Response("aa", "bb", "ccdd"),
            Response("aabbcc", "", "dd"),
            Response("", "aabbcc", "dd"),
            Response("aabbccdd", "", ""),
        };
        Assert.Equal(cuts.Length, cuts.Select(IdKeys.OfResponse).Distinct().Count());
    }

    [Fact]
    public void OfResponse_OfPartsLongerThanTheStackBuffer_StillCoversEveryByte()
    {
        var data = new byte[3000];
        data[^1] = 1;
        var big = Response("aa01", "bb02", Convert.ToHexString(data));
        var same = Response("aa01", "bb02", Convert.ToHexString(data));
        data[^1] = 2;
        var other = Response("aa01", "bb02", Convert.ToHexString(data));

        Assert.Equal(IdKeys.OfResponse(big), IdKeys.OfResponse(same));
        Assert.NotEqual(IdKeys.OfResponse(big), IdKeys.OfResponse(other));
    }
}
