using PeerNet.Protocol;
using Google.Protobuf;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>Builds the control frames the router sends (one id each, except IHAVEs gathered over the IHAVE delay).</summary>
public static class ControlFrames
{
    /// <summary>
    /// Largest IHAVE frame the router gathers, in encoded id bytes: well under the smallest frame limit a peer may
    /// set (<see cref="PeerNetOptions.MaxFrameLength"/>, at least 2048), which a 64-id frame of 64-byte ids would pass.
    /// </summary>
    public const int MaxIhaveFrameBytes = 1024;

    /// <summary>What <paramref name="id"/> adds to an IHAVE frame: its bytes, a field tag and a length prefix.</summary>
    public static int IhaveIdBytes(ByteString id) => id.Length + 1 + CodedOutputStream.ComputeLengthSize(id.Length);

    /// <summary>A PRUNE. One shared instance: frames are never changed once built.</summary>
    public static Message Prune { get; } = new() { Control = new Control { Prune = true } };

    /// <summary>IHAVE <paramref name="id"/>.</summary>
    public static Message Ihave(ByteString id)
    {
        var control = new Control();
        AddOnly(control.Ihave, id);
        return new Message { Control = control };
    }

    /// <summary>IHAVE every id in <paramref name="ids"/> (at most <see cref="ControlFrameValidator.MaxIdsPerList"/>).</summary>
    public static Message Ihave(IReadOnlyList<ByteString> ids)
    {
        // Added one by one into room for exactly these: the library's range add walks the ids through a boxed
        // enumerator first (its null check), and its first add makes room for 8.
        var control = new Control();
        control.Ihave.Capacity = ids.Count;
        for (var i = 0; i < ids.Count; i++)
            control.Ihave.Add(ids[i]);
        return new Message { Control = control };
    }

    /// <summary>GRAFT <paramref name="id"/>, flagged when the asker has no other announcer left.</summary>
    public static Message Graft(ByteString id, bool lastResort)
    {
        var control = new Control();
        AddOnly(control.Graft, id);
        if (lastResort)
            control.LastResort = true;
        return new Message { Control = control };
    }

    /// <summary>NACK <paramref name="id"/>.</summary>
    public static Message Nack(ByteString id)
    {
        var control = new Control();
        AddOnly(control.Nack, id);
        return new Message { Control = control };
    }

    /// <summary>Makes <paramref name="list"/> the one id <paramref name="id"/>, in an array of one (a first add makes room for 8).</summary>
    private static void AddOnly(Google.Protobuf.Collections.RepeatedField<ByteString> list, ByteString id)
    {
        list.Capacity = 1;
        list.Add(id);
    }
}
