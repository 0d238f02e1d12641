using System.Text;
using PeerNet.Gossip.Announcing;

namespace PeerNet.Host.Api;

/// <summary>One response to an announce (one SSE event).</summary>
/// <param name="Id">Response id, hex.</param>
/// <param name="Reply">Id of the request it answers, hex.</param>
/// <param name="Type">Type as text (null when absent or not UTF-8).</param>
/// <param name="Data">Payload as text (null when not UTF-8).</param>
/// <param name="DataBase64">Payload as base64.</param>
/// <param name="Hops">Links it travelled beyond the first.</param>
/// <param name="Limit">Its limit field.</param>
/// <param name="Signer">When signed (and verified): the replier's Ed25519 public key, 64 hex characters.</param>
/// <param name="SignerId">When signed: the replier's node id (of that key), 32 hex characters.</param>
public sealed record AnnounceResponseEvent(string Id, string Reply, string? Type, string? Data, string DataBase64, uint Hops, uint Limit,
    string? Signer = null, string? SignerId = null)
{
    internal static AnnounceResponseEvent From(AnnounceResponse r) => new(
        Convert.ToHexStringLower(r.Id.Span), Convert.ToHexStringLower(r.Reply.Span), r.Type.IsEmpty ? null : r.TypeText,
        r.DataText, Convert.ToBase64String(r.Data.Span), r.Hops, r.Limit, SignerText.Of(r.Signer), r.SignerId?.ToString());
}
