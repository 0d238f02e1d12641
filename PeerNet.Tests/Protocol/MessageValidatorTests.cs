using Google.Protobuf;
using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Tests.Protocol;

public class MessageValidatorTests
{
    private static Announce Valid() => new() { Id = ByteString.CopyFrom(new byte[8]), Hops = 0 };

    private static Verdict Request(Action<Announce> change)
    {
        var a = Valid();
        change(a);
        return MessageValidator.Validate(new Message { Request = a }, 15).Verdict;
    }

    private static Verdict Response(Action<Announce> change)
    {
        var a = Valid();
        change(a);
        return MessageValidator.Validate(new Message { Response = a }, 15).Verdict;
    }

    [Fact]
    public void FieldsAtTheirLimits_AreAccepted()
    {
        Assert.Equal(Verdict.Accept, Request(a =>
        {
            a.Id = ByteString.CopyFrom(new byte[64]);
            a.Type = ByteString.CopyFrom(new byte[64]);
            a.Data = ByteString.CopyFrom(new byte[1024]);
            a.Hops = 15;
        }));
        Assert.Equal(Verdict.Accept, Response(a => a.Reply = ByteString.CopyFrom(new byte[64])));
    }

    [Fact]
    public void AFieldOverItsLimit_IsDiscarded()
    {
        Assert.Equal(Verdict.Discard, Request(a => a.Id = ByteString.CopyFrom(new byte[65])));
        Assert.Equal(Verdict.Discard, Request(a => a.Type = ByteString.CopyFrom(new byte[65])));
        Assert.Equal(Verdict.Discard, Request(a => a.Data = ByteString.CopyFrom(new byte[1025])));
        Assert.Equal(Verdict.Discard, Response(a => a.Data = ByteString.CopyFrom(new byte[2000])));
        Assert.Equal(Verdict.Discard, Response(a => a.Reply = ByteString.CopyFrom(new byte[65])));
    }

    [Fact]
    public void HopsPastMaxHopsOrTheLimit_DiscardRequestsOnly()
    {
        Assert.Equal(Verdict.Discard, Request(a => a.Hops = 16));
        Assert.Equal(Verdict.Discard, Request(a => { a.Hops = 3; a.Limit = 2; }));
        Assert.Equal(Verdict.Accept, Request(a => { a.Hops = 2; a.Limit = 2; }));
        Assert.Equal(Verdict.Accept, Request(a => { a.Hops = 9; a.Limit = 0; })); // 0 = no limit
        Assert.Equal(Verdict.Accept, Response(a => a.Hops = 200)); // responses carry no hop check
    }

    [Fact]
    public void MissingIdOrHops_IsAViolation_AndAnEmptyMessageIsIgnored()
    {
        Assert.Equal(Verdict.Violation, MessageValidator.Validate(new Message { Request = new Announce { Hops = 0 } }, 15).Verdict);
        Assert.Equal(Verdict.Violation, MessageValidator.Validate(new Message { Response = new Announce { Id = ByteString.CopyFrom(new byte[4]) } }, 15).Verdict);
        Assert.Equal(Verdict.Ignore, MessageValidator.Validate(new Message(), 15).Verdict);
    }

    [Fact]
    public void AFrameWithoutRequiredFields_StillParses_SoTheValidatorDecides()
    {
        // 0a 00: a request with no fields at all.
        var message = Message.Parser.ParseFrom(Convert.FromHexString("0a00"));
        Assert.Equal(Verdict.Violation, MessageValidator.Validate(message, 15).Verdict);
    }
}
