using System.Text;
using PeerNet.Gossip.Announcing;

namespace PeerNet.Host.Api;

/// <summary>An answer to a request received on the request stream. Give at most one of data and dataBase64.</summary>
public sealed record ReplyBody
{
    /// <summary>Payload as UTF-8 text (at most 1024 bytes).</summary>
    /// <example>found it</example>
    public string? Data { get; init; }

    /// <summary>Payload as base64 (at most 1024 bytes decoded).</summary>
    public string? DataBase64 { get; init; }

    /// <summary>Type; the request's when absent.</summary>
    public string? Type { get; init; }

    /// <summary>Limit; the request's when absent.</summary>
    public uint? Limit { get; init; }

    /// <summary>Sign it with this node's key: the announcer's response events carry signer and signerId.</summary>
    public bool? Sign { get; init; }
}
