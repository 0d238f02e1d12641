using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Simulation;

/// <summary>
/// Frames sent, by what they carry (sends to dead peers included). The router builds each control frame of one kind
/// (ControlFrames), so the control kinds add up to every control frame.
/// </summary>
/// <param name="Copies">Full announce frames: pushes over eager links and GRAFT answers.</param>
/// <param name="GraftAnswers">Of <paramref name="Copies"/>, those that answered a GRAFT.</param>
/// <param name="IhaveFrames">IHAVE frames (gathered ids, and the one-time proof of life a tree child sends its parent).</param>
/// <param name="IhaveIds">Ids in those frames.</param>
/// <param name="Grafts">GRAFT frames.</param>
/// <param name="LastResortGrafts">Of <paramref name="Grafts"/>, those sent as a last resort.</param>
/// <param name="Prunes">PRUNE frames.</param>
/// <param name="Nacks">NACK frames.</param>
public readonly record struct FrameCounts(long Copies, long GraftAnswers, long IhaveFrames, long IhaveIds, long Grafts, long LastResortGrafts, long Prunes, long Nacks)
{
    /// <summary>Control frames (every kind but copies).</summary>
    public long Control => IhaveFrames + Grafts + Prunes + Nacks;

    /// <summary>Every frame.</summary>
    public long All => Copies + Control;

    /// <summary>What was sent between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static FrameCounts operator -(FrameCounts after, FrameCounts before) => new(
        after.Copies - before.Copies, after.GraftAnswers - before.GraftAnswers, after.IhaveFrames - before.IhaveFrames,
        after.IhaveIds - before.IhaveIds, after.Grafts - before.Grafts, after.LastResortGrafts - before.LastResortGrafts,
        after.Prunes - before.Prunes, after.Nacks - before.Nacks);

    /// <summary>The sum of two counts (over several announces).</summary>
    public static FrameCounts operator +(FrameCounts a, FrameCounts b) => new(
        a.Copies + b.Copies, a.GraftAnswers + b.GraftAnswers, a.IhaveFrames + b.IhaveFrames, a.IhaveIds + b.IhaveIds,
        a.Grafts + b.Grafts, a.LastResortGrafts + b.LastResortGrafts, a.Prunes + b.Prunes, a.Nacks + b.Nacks);

    /// <summary><paramref name="after"/> with <paramref name="message"/> counted (GRAFT answers are counted by the routers).</summary>
    internal static FrameCounts Add(FrameCounts after, Message message) =>
        message.KindCase != Message.KindOneofCase.Control ? after with { Copies = after.Copies + 1 } : Add(after, ControlFrame.From(message.Control));

    /// <summary><paramref name="after"/> with the control frame <paramref name="frame"/> counted.</summary>
    internal static FrameCounts Add(FrameCounts after, ControlFrame frame)
    {
        if (frame.Ihaves.Count is var ihaves and > 0)
            return after with { IhaveFrames = after.IhaveFrames + 1, IhaveIds = after.IhaveIds + ihaves };
        if (frame.Grafts.Count > 0)
            return after with { Grafts = after.Grafts + 1, LastResortGrafts = after.LastResortGrafts + (frame.IsLastResort ? 1 : 0) };
        if (frame.Nacks.Count > 0)
            return after with { Nacks = after.Nacks + 1 };
        return frame.IsPrune ? after with { Prunes = after.Prunes + 1 } : after;
    }
}
