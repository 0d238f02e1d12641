namespace PeerNet.Client;

/// <summary>An announce to send (the body of <c>POST /api/announce</c>). Give at most one of <see cref="Data"/> and <see cref="DataBase64"/>.</summary>
public sealed record Announcement
{
    /// <summary>Request id as hex, 1 to 64 bytes; random when absent. Give one to fetch a delivery report by it.</summary>
    public string? Id { get; init; }

    /// <summary>Type, UTF-8 text of at most 64 bytes.</summary>
    public string? Type { get; init; }

    /// <summary>Payload as UTF-8 text (at most 1024 bytes).</summary>
    public string? Data { get; init; }

    /// <summary>Payload as base64 (at most 1024 bytes decoded).</summary>
    public string? DataBase64 { get; init; }

    /// <summary>Highest hop count a node accepts it with (0 or absent: no limit but the node's).</summary>
    public uint? Limit { get; init; }

    /// <summary>Hop count it starts with.</summary>
    public uint? Hops { get; init; }

    /// <summary>Ask for a delivery report (<see cref="AnnouncesClient.GetReportAsync"/>).</summary>
    public bool? Report { get; init; }

    /// <summary>Sign it with the node's key: receivers see the node as its <see cref="IncomingRequest.Signer"/>.</summary>
    public bool? Sign { get; init; }
}
