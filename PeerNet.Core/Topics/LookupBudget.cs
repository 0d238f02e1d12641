using PeerNet.Gossip;

namespace PeerNet.Topics;

/// <summary>One session's budget of topic lookups this node answers (<see cref="PeerNetOptions.TopicLookupRate"/>). Only the router's loop touches it.</summary>
internal sealed class LookupBudget(PeerNetOptions options)
{
    public TokenBucket Bucket = new(options.TopicLookupRate, options.TopicLookupBurst);
}
