namespace PeerNet.Gossip.Dissemination;

/// <summary>A rule's links in a list (iterated on every forward) whose states live on the links themselves.</summary>
internal sealed class LinkSet
{
    private readonly List<LinkState> _links = new();

    public int Count => _links.Count;

    public LinkState this[int index] => _links[index];

    public List<LinkState>.Enumerator GetEnumerator() => _links.GetEnumerator();

    /// <summary>Adds a link; null when it is already held.</summary>
    public LinkState? Add(GossipLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (link.Dissemination is not null)
            return null;
        var state = new LinkState(link) { Index = _links.Count };
        link.Dissemination = state;
        _links.Add(state);
        return state;
    }

    /// <summary>Removes a link (swap-remove); its state, or null when it was not held.</summary>
    public LinkState? Remove(GossipLink link)
    {
        if (link?.Dissemination is not { } state)
            return null;
        link.Dissemination = null;
        state.Attached = false;
        var last = _links[^1];
        _links[state.Index] = last;
        last.Index = state.Index;
        _links.RemoveAt(_links.Count - 1);
        return state;
    }
}
