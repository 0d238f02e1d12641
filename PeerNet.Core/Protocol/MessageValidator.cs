using PeerNet.Protocol.Wire;

namespace PeerNet.Protocol;

/// <summary>Checks every limit of the wire spec on a received message.</summary>
public static class MessageValidator
{
    /// <summary>Validates a parsed message against the field limits and <paramref name="maxHops"/>.</summary>
    public static Validation Validate(Message message, int maxHops)
    {
        if (message.KindCase == Message.KindOneofCase.Control)
            return ControlFrameValidator.Validate(message.Control);
        var isRequest = message.KindCase == Message.KindOneofCase.Request;
        var announce = message.KindCase switch
        {
            Message.KindOneofCase.Request => message.Request,
            Message.KindOneofCase.Response => message.Response,
            _ => null,
        };
        return announce is null ? Validation.Empty : Validate(announce, isRequest, maxHops);
    }

    /// <summary>Validates a parsed request (<paramref name="isRequest"/>) or response against the field limits and <paramref name="maxHops"/>.</summary>
    public static Validation Validate(Announce announce, bool isRequest, int maxHops)
    {
        ArgumentNullException.ThrowIfNull(announce);
        if (!announce.HasId || !announce.HasHops)
            return new(Verdict.Violation, "message lacks id or hops");
        if (announce.Id.Length > ProtocolLimits.MaxIdLength)
            return new(Verdict.Discard, $"id of {announce.Id.Length} bytes (max {ProtocolLimits.MaxIdLength})");
        if (announce.Reply.Length > ProtocolLimits.MaxIdLength)
            return new(Verdict.Discard, $"reply of {announce.Reply.Length} bytes (max {ProtocolLimits.MaxIdLength})");
        if (announce.Type.Length > ProtocolLimits.MaxTypeLength)
            return new(Verdict.Discard, $"type of {announce.Type.Length} bytes (max {ProtocolLimits.MaxTypeLength})");
        if (announce.Data.Length > ProtocolLimits.MaxDataLength)
            return new(Verdict.Discard, $"data of {announce.Data.Length} bytes (max {ProtocolLimits.MaxDataLength})");
        if (isRequest && !HopRule.Accepts(announce.Hops, announce.Limit, maxHops))
            return new(Verdict.Discard, HopRule.Refusal(announce.Hops, announce.Limit, maxHops));
        return Validation.Accepted;
    }
}
