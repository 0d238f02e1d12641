using PeerNet.Protocol.Wire;

namespace PeerNet.Protocol;

/// <summary>Limits on a received control frame, checked by the session before the dissemination rule sees it.</summary>
public static class ControlFrameValidator
{
    /// <summary>Most ids in one list of a control frame (IHAVEs are gathered up to this many per frame).</summary>
    public const int MaxIdsPerList = 64;

    /// <summary>
    /// Largest control frame worth parsing: three full lists of the longest ids (3 x 64 x 66 bytes) and the flags fit
    /// with room to spare. A bigger one is discarded unparsed: parsed, a frame of one-byte ids costs ~20 times its size.
    /// </summary>
    public const int MaxFrameBytes = 16 * 1024;

    /// <summary>The first byte of a Message whose kind is a control frame (field 3, length-delimited).</summary>
    public const byte Tag = (3 << 3) | 2;

    /// <summary>
    /// Discards a frame with an empty or over-long id (as for announce ids) or too many ids; accepts everything else,
    /// including an empty frame (nothing to do).
    /// </summary>
    public static Validation Validate(Control control)
    {
        var reason = Check(control.Ihave, "ihave") ?? Check(control.Graft, "graft") ?? Check(control.Nack, "nack");
        return reason is null ? new Validation(Verdict.Accept, null) : new Validation(Verdict.Discard, reason);
    }

    private static string? Check(Google.Protobuf.Collections.RepeatedField<Google.Protobuf.ByteString> ids, string name)
    {
        if (ids.Count > MaxIdsPerList)
            return TooMany(ids.Count, name);
        for (var i = 0; i < ids.Count; i++) // not foreach: a RepeatedField's enumerator is an iterator object per loop
        {
            if (BadIdLength(ids[i].Length, name) is { } reason)
                return reason;
        }
        return null;
    }

    /// <summary>Why a list of <paramref name="count"/> ids is discarded; null when it is not too long.</summary>
    internal static string? TooMany(int count, string name) =>
        count > MaxIdsPerList ? $"{count} {name} ids (max {MaxIdsPerList})" : null;

    /// <summary>Why an id of <paramref name="length"/> bytes is discarded; null when its length is allowed.</summary>
    internal static string? BadIdLength(int length, string name) =>
        length is 0 or > ProtocolLimits.MaxIdLength ? $"{name} id of {length} bytes (1 to {ProtocolLimits.MaxIdLength})" : null;
}
