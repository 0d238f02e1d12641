namespace PeerNet.Client;

/// <summary>One response to an announce (one event of <c>POST /api/announce</c>).</summary>
/// <param name="Id">Response id, hex.</param>
/// <param name="Reply">Id of the request it answers, hex.</param>
/// <param name="Type">Type as text (null when absent or not UTF-8).</param>
/// <param name="Data">Payload as text (null when not UTF-8).</param>
/// <param name="DataBase64">Payload as base64.</param>
/// <param name="Hops">Links it travelled beyond the first.</param>
/// <param name="Signer">When signed (and verified by the node): the replier's Ed25519 public key, hex.</param>
/// <param name="SignerId">When signed: the replier's node id, hex.</param>
/// <param name="Limit">Its limit field.</param>
public sealed record AnnounceReply(string Id, string Reply, string? Type, string? Data, string DataBase64, uint Hops, uint Limit,
    string? Signer = null, string? SignerId = null)
{
    /// <summary>The payload's bytes.</summary>
    public byte[] Bytes() => Convert.FromBase64String(DataBase64);
}
