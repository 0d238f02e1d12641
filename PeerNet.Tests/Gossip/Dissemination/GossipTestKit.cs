using Google.Protobuf;
using PeerNet.Gossip.Dissemination;
using PeerNet.Protocol.Wire;

namespace PeerNet.Tests.Gossip.Dissemination;

/// <summary>A link that records what the router sends instead of carrying it.</summary>
internal sealed class RecordingLink(string name, bool takesControlFrames = true) : GossipLink
{
    public string Name { get; } = name;

    public override bool TakesControlFrames { get; } = takesControlFrames;

    public List<Message> Sent { get; } = new();

    public bool Accepts { get; set; } = true;

    /// <summary>The messages sent as the node's own (see <see cref="GossipLink.TrySend"/>).</summary>
    public List<Message> SentAsOwn { get; } = new();

    public override bool TrySend(Message message, bool own)
    {
        if (Accepts)
            Sent.Add(message);
        if (Accepts && own)
            SentAsOwn.Add(message);
        return Accepts;
    }

    public IEnumerable<Announce> Copies => Sent.Where(m => m.KindCase == Message.KindOneofCase.Request).Select(m => m.Request);

    public IEnumerable<Control> Controls => Sent.Where(m => m.KindCase == Message.KindOneofCase.Control).Select(m => m.Control);

    public bool GotPrune => Controls.Any(c => c.Prune);

    public override string ToString() => Name;
}

internal static class Announces
{
    private static int _next;

    /// <summary>A fresh announce with a unique id (hops 0).</summary>
    public static Announce New(uint? limit = null)
    {
        var id = Interlocked.Increment(ref _next);
        var announce = new Announce
        {
            Id = ByteString.CopyFrom(BitConverter.GetBytes((long)id)),
            Hops = 0,
            Type = ByteString.CopyFromUtf8("chat"),
            Data = ByteString.CopyFromUtf8("hello " + id),
        };
        if (limit is not null)
            announce.Limit = limit.Value;
        return announce;
    }

    public static Control Prune() => new() { Prune = true };

    public static Control Ihave(ByteString id) => new() { Ihave = { id } };

    public static Control Graft(ByteString id, bool lastResort = false)
    {
        var control = new Control { Graft = { id } };
        if (lastResort)
            control.LastResort = true;
        return control;
    }

    public static Control Nack(ByteString id) => new() { Nack = { id } };
}
