namespace PeerNet.Client;

/// <summary>One announce request the node received (one event of <c>GET /api/requests</c>); answer it by its handle.</summary>
/// <param name="Handle">Answer with <c>POST /api/requests/{handle}/reply</c> (valid for two minutes).</param>
/// <param name="Id">Request id, hex.</param>
/// <param name="Type">Type as text (null when absent or not UTF-8).</param>
/// <param name="Data">Payload as text (null when not UTF-8).</param>
/// <param name="DataBase64">Payload as base64.</param>
/// <param name="Hops">Hops it travelled before reaching the node.</param>
/// <param name="Signer">When signed (and verified by the node): the origin's Ed25519 public key, hex.</param>
/// <param name="SignerId">When signed: the origin's node id, hex.</param>
/// <param name="Limit">Its limit (0: none).</param>
public sealed record IncomingRequest(string Handle, string Id, string? Type, string? Data, string DataBase64, uint Hops, uint Limit,
    string? Signer = null, string? SignerId = null)
{
    /// <summary>The payload's bytes.</summary>
    public byte[] Bytes() => Convert.FromBase64String(DataBase64);
}
