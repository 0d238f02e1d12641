using System.Text;
using PeerNet.Gossip.Announcing;

namespace PeerNet.Host.Api;

/// <summary>One announce request this node received (one SSE event); answer it by its handle.</summary>
/// <param name="Handle">Answer with POST /api/requests/{handle}/reply (valid for two minutes).</param>
/// <param name="Id">Request id, hex.</param>
/// <param name="Type">Type as text (null when absent or not UTF-8).</param>
/// <param name="Data">Payload as text (null when not UTF-8).</param>
/// <param name="DataBase64">Payload as base64.</param>
/// <param name="Hops">Hops it travelled before reaching this node.</param>
/// <param name="Limit">Its limit (0: none).</param>
/// <param name="Signer">When signed (and verified): the origin's Ed25519 public key, 64 hex characters.</param>
/// <param name="SignerId">When signed: the origin's node id (of that key), 32 hex characters.</param>
public sealed record RequestEvent(string Handle, string Id, string? Type, string? Data, string DataBase64, uint Hops, uint Limit,
    string? Signer = null, string? SignerId = null)
{
    internal static RequestEvent From(string handle, IncomingRequest r) => new(
        handle, r.IdHex, r.Type.IsEmpty ? null : r.TypeText, r.DataText, Convert.ToBase64String(r.Data.Span), r.Hops, r.Limit,
        SignerText.Of(r.Signer), r.SignerId?.ToString());
}

/// <summary>A signer key as JSON gives it: lowercase hex, or null when unsigned.</summary>
internal static class SignerText
{
    public static string? Of(ReadOnlyMemory<byte> signer) => signer.IsEmpty ? null : Convert.ToHexStringLower(signer.Span);
}

/// <summary>Turns JSON message fields into bytes, naming the field that is wrong.</summary>
internal static class MessageFields
{
    /// <summary>The payload from data or dataBase64; an error when both are given or base64 is malformed.</summary>
    public static bool TryPayload(string? data, string? dataBase64, out byte[]? payload, out (string Field, string Message)? error)
    {
        payload = null;
        error = null;
        if (data is not null && dataBase64 is not null)
        {
            error = ("data", "give at most one of data and dataBase64.");
            return false;
        }
        if (data is not null)
            payload = Encoding.UTF8.GetBytes(data);
        else if (dataBase64 is not null)
        {
            try
            {
                payload = Convert.FromBase64String(dataBase64);
            }
            catch (FormatException)
            {
                error = ("dataBase64", "dataBase64 is not valid base64.");
                return false;
            }
        }
        return true;
    }

    /// <summary>Absent stays absent: the implicit byte[] conversion would turn null into an empty, present value.</summary>
    public static ReadOnlyMemory<byte>? Optional(byte[]? bytes) => bytes is null ? default(ReadOnlyMemory<byte>?) : new ReadOnlyMemory<byte>(bytes);

    /// <summary>An id from lowercase or uppercase hex.</summary>
    public static bool TryHex(string? hex, out byte[]? bytes, out (string Field, string Message)? error)
    {
        bytes = null;
        error = null;
        if (hex is null)
            return true;
        try
        {
            bytes = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            error = ("id", "id must be hex (an even number of 0-9, a-f characters).");
            return false;
        }
        return true;
    }
}
