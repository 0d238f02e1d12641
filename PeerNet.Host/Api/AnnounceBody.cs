using System.Text;
using PeerNet.Gossip.Announcing;

namespace PeerNet.Host.Api;

/// <summary>An announce to send. Give at most one of data and dataBase64.</summary>
public sealed record AnnounceBody
{
    /// <summary>Request id as lowercase hex, 1 to 64 bytes; random when absent.</summary>
    /// <example>5eed0001</example>
    public string? Id { get; init; }

    /// <summary>Type, UTF-8 text of at most 64 bytes (not _hello or _addrs).</summary>
    /// <example>search</example>
    public string? Type { get; init; }

    /// <summary>Payload as UTF-8 text (at most 1024 bytes).</summary>
    /// <example>whatever</example>
    public string? Data { get; init; }

    /// <summary>Payload as base64 (at most 1024 bytes decoded).</summary>
    public string? DataBase64 { get; init; }

    /// <summary>Highest hop count a node accepts it with (0 or absent: no limit but the node's MaxHops); limit N reaches nodes up to N + 1 links away.</summary>
    /// <example>0</example>
    public uint? Limit { get; init; }

    /// <summary>Hop count it starts with (default 0; at most limit and MaxHops).</summary>
    /// <example>0</example>
    public uint? Hops { get; init; }

    /// <summary>Ask for a delivery report: GET /api/announces/{id}, and the stream ends with an <c>event: summary</c>.</summary>
    /// <example>false</example>
    public bool? Report { get; init; }

    /// <summary>Sign it with this node's key: receivers' request events carry signer and signerId, and forwarders drop altered copies.</summary>
    /// <example>false</example>
    public bool? Sign { get; init; }
}
