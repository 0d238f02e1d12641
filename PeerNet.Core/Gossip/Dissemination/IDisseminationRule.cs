using PeerNet.Protocol;
using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>
/// Decides who gets what of an announce request: full copies, control frames, or nothing (docs/dissemination.md).
/// One implementation per rule: <see cref="PlumtreeRule"/> (the default) and <see cref="RandomFanoutRule"/> (the
/// original's). It never delivers to the application or routes responses: <see cref="OnRequest(GossipLink, Announce, out UInt128)"/> tells the caller
/// when a request is new.
/// </summary>
/// <remarks>Not thread-safe: the caller serialises every call, including the scheduler's callbacks. Never blocks.</remarks>
public interface IDisseminationRule
{
    /// <summary>What the rule has done (plain fields: read them on the rule's loop, or approximately from elsewhere).</summary>
    DisseminationCounters Counters { get; }

    /// <summary>Links held.</summary>
    int LinkCount { get; }

    /// <summary>Ids in the seen cache.</summary>
    int SeenCount { get; }

    /// <summary>A new handshaken peer (a repeat is ignored).</summary>
    void AddLink(GossipLink link);

    /// <summary>A peer that went away (an unknown one is ignored).</summary>
    void RemoveLink(GossipLink link);

    /// <summary>The node's own announce: marked seen and sent with the hops the caller gave (no hop is added).</summary>
    void Publish(Announce request);

    /// <summary>
    /// A validated announce request from <paramref name="from"/>; true when it is new (the caller delivers it), false
    /// for a duplicate. <paramref name="key"/> is the id's hash, computed once for the caller's own tables too.
    /// </summary>
    bool OnRequest(GossipLink from, Announce request, out UInt128 key);

    /// <summary>As <see cref="OnRequest(GossipLink, Announce, out UInt128)"/>, with the id's key (<c>IdKeys.Of</c>) the caller computed.</summary>
    internal bool OnRequest(GossipLink from, Announce request, UInt128 key);

    /// <summary>True when the id with <paramref name="key"/> counts as seen at <paramref name="now"/> (scheduler time).</summary>
    internal bool HasSeen(UInt128 key, TimeSpan now);

    /// <summary>A control frame (already validated) from <paramref name="from"/>.</summary>
    void OnControl(GossipLink from, ControlFrame control);

    /// <summary>The rule <paramref name="settings"/> name.</summary>
    static IDisseminationRule Create(DisseminationSettings settings, IGossipScheduler scheduler, RandomSource random) =>
        Create(settings, scheduler, random, frames: null);

    /// <summary>The rule <paramref name="settings"/> name, forwarding the frames of <paramref name="frames"/> (a simulation's).</summary>
    internal static IDisseminationRule Create(DisseminationSettings settings, IGossipScheduler scheduler, RandomSource random, SharedFrames? frames)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Rule == DisseminationRule.Tree
            ? new PlumtreeRule(settings, scheduler, random, frames)
            : new RandomFanoutRule(settings, scheduler, random, frames);
    }
}
