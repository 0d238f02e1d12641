using Google.Protobuf;
using PeerNet.Identity;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Tests.Identity;

/// <summary>The test vectors of the identity spec (computed with Node's crypto; the browser client reproduces the same).</summary>
public class SpecVectorTests
{
    private const string PublicKeyHex = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";

    private static NodeKey SpecKey() => NodeKey.FromSeed(Enumerable.Repeat((byte)0x01, 32).ToArray());

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, 32).ToArray();

    [Fact]
    public void SeedOfOnes_HasTheSpecsPublicKeyAndNodeId()
    {
        using var key = SpecKey();
        Assert.Equal(PublicKeyHex, Convert.ToHexStringLower(key.PublicKey.Span));
        Assert.Equal("34750f98bd59fcfc946da45aaabe933b", key.Id.ToString());
        Assert.Equal(key.Id, NodeKey.IdOf(Convert.FromHexString(PublicKeyHex)));
    }

    [Fact]
    public void HelloSignature_OverAskersThenOwnChallenge_IsTheSpecs_AndVerifiesOnlyThatWay()
    {
        using var key = SpecKey();
        var signature = new byte[64];
        HelloProof.Sign(key, askerChallenge: Filled(0xAA), ownChallenge: Filled(0xBB), signature);
        Assert.Equal("f792db2fba5777d393970a80d0047ceec8dfde42da697dfa5f65c0d129b13b4b6d0a5896e6f8e251ccf59db46c8d8a06e2f24442540345193ccc7a748b6e0209",
            Convert.ToHexStringLower(signature));
        // The asker verifies with its own challenge first.
        Assert.True(HelloProof.Verify(key.PublicKey.Span, signature, ourChallenge: Filled(0xAA), peerChallenge: Filled(0xBB)));
        Assert.False(HelloProof.Verify(key.PublicKey.Span, signature, ourChallenge: Filled(0xBB), peerChallenge: Filled(0xAA)));
    }

    [Fact]
    public void AnnounceSignature_IsTheSpecs_AndVerifies()
    {
        using var key = SpecKey();
        var request = new Announce
        {
            Id = ByteString.CopyFrom(Convert.FromHexString("0102030405060708")),
            Hops = 3, // not signed
            Type = ByteString.CopyFromUtf8("chat"),
            Data = ByteString.CopyFromUtf8("hello world"),
            Limit = 7,
        };
        MessageSignature.SignRequest(request, key);
        Assert.Equal(PublicKeyHex, Convert.ToHexStringLower(request.Signer.Span));
        Assert.Equal("576939add6aa7dedf31dc139288a56f88d9940fa31ce1aa340a0357c009fa0d82a3046d298aceedcd1f956fc234f711e863af4031c52f09840fc88668f6da103",
            Convert.ToHexStringLower(request.Signature.Span));
        Assert.Null(MessageSignature.Forgery(request, response: false));
        request.Hops = 9;
        Assert.Null(MessageSignature.Forgery(request, response: false));
        Assert.Equal(key.Id, MessageSignature.SignerId(request.Signer));
    }

    [Fact]
    public void ReplySignature_IsTheSpecs_AndVerifies()
    {
        using var key = SpecKey();
        var response = new Announce
        {
            Id = ByteString.CopyFrom(Convert.FromHexString("a1a2a3a4")),
            Reply = ByteString.CopyFrom(Convert.FromHexString("0102030405060708")),
            Hops = 0,
            Type = ByteString.CopyFromUtf8("chat"),
            Data = ByteString.CopyFromUtf8("hello world"),
            Limit = 5, // not signed in a response
        };
        MessageSignature.SignResponse(response, key);
        Assert.Equal("3fa333c0868ed9961e9cb73f96f3eb209e33b31363c5188374e3d4143c78dd7e7361cb06734c37958330a0e08d4c83dbcd211f520b1b315d6c2a018846da450e",
            Convert.ToHexStringLower(response.Signature.Span));
        response.Limit = 0;
        Assert.Null(MessageSignature.Forgery(response, response: true));
    }

    [Fact]
    public void AbsentLimit_SignsAsZero_SoAForwarderWritingLimitZeroKeepsItValid()
    {
        using var key = SpecKey();
        var request = new Announce { Id = ByteString.CopyFromUtf8("x"), Hops = 0, Type = ByteString.CopyFromUtf8("t") };
        MessageSignature.SignRequest(request, key);
        var forwarded = PeerNet.Gossip.Dissemination.Forwarded.Of(request);
        Assert.True(forwarded.HasLimit);
        Assert.Equal(request.Signature, forwarded.Signature);
        Assert.Null(MessageSignature.Forgery(forwarded, response: false));
    }

    [Theory]
    [InlineData("type")]
    [InlineData("data")]
    [InlineData("id")]
    [InlineData("limit")]
    [InlineData("no-signature")]
    [InlineData("no-signer")]
    [InlineData("short-signer")]
    [InlineData("other-signer")]
    [InlineData("as-response")]
    public void TamperedOrIncompleteSignedRequest_IsAForgery(string change)
    {
        using var key = SpecKey();
        using var other = NodeKey.Create();
        var request = new Announce { Id = ByteString.CopyFromUtf8("id-1"), Hops = 0, Type = ByteString.CopyFromUtf8("chat"), Data = ByteString.CopyFromUtf8("hi"), Limit = 4 };
        MessageSignature.SignRequest(request, key);
        var response = false;
        switch (change)
        {
            case "type": request.Type = ByteString.CopyFromUtf8("chaT"); break;
            case "data": request.Data = ByteString.CopyFromUtf8("ho"); break;
            case "id": request.Id = ByteString.CopyFromUtf8("id-2"); break;
            case "limit": request.Limit = 5; break;
            case "no-signature": request.ClearSignature(); break;
            case "no-signer": request.ClearSigner(); break;
            case "short-signer": request.Signer = ByteString.CopyFrom(request.Signer.Span[..31]); break;
            case "other-signer": request.Signer = UnsafeByteOperations.UnsafeWrap(other.PublicKey); break;
            case "as-response": response = true; break;
        }
        Assert.NotNull(MessageSignature.Forgery(request, response));
    }

    [Fact]
    public void UnsignedMessage_IsNoForgery()
    {
        Assert.Null(MessageSignature.Forgery(new Announce { Id = ByteString.CopyFromUtf8("x"), Hops = 0 }, response: false));
        Assert.Null(MessageSignature.SignerId(ByteString.Empty));
    }

    [Fact]
    public void NotACurvePoint_DoesNotVerify()
    {
        var notAPoint = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        Assert.False(NodeKey.Verify(notAPoint, "x"u8, new byte[64]));
    }

    [Fact]
    public void SignedFields_SurviveTheWireDecoderAndTheLibraryParser()
    {
        using var key = SpecKey();
        var request = new Announce { Id = ByteString.CopyFromUtf8("id-1"), Hops = 2, Type = ByteString.CopyFromUtf8("chat"), Data = ByteString.CopyFromUtf8("hi"), Limit = 4 };
        MessageSignature.SignRequest(request, key);
        var bytes = new Message { Request = request }.ToByteArray();
        Assert.True(WireDecoder.TryDecode(bytes, out var decoded));
        Assert.Equal(request, decoded.Request);
        Assert.Equal(request, Message.Parser.ParseFrom(bytes).Request);
    }
}
