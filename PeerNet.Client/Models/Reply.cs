namespace PeerNet.Client;

/// <summary>An answer to a received request (the body of <c>POST /api/requests/{handle}/reply</c>). Give at most one of <see cref="Data"/> and <see cref="DataBase64"/>.</summary>
public sealed record Reply
{
    /// <summary>Payload as UTF-8 text (at most 1024 bytes).</summary>
    public string? Data { get; init; }

    /// <summary>Payload as base64 (at most 1024 bytes decoded).</summary>
    public string? DataBase64 { get; init; }

    /// <summary>Type; the request's when absent.</summary>
    public string? Type { get; init; }

    /// <summary>Limit; the request's when absent.</summary>
    public uint? Limit { get; init; }

    /// <summary>Sign it with the node's key: the announcer sees the node as its <see cref="AnnounceReply.Signer"/>.</summary>
    public bool? Sign { get; init; }

    /// <summary>A reply carrying <paramref name="bytes"/> (as text when they are UTF-8 text, else as base64).</summary>
    public static Reply Of(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new Reply { Data = Strict.GetString(bytes) };
        }
        catch (System.Text.DecoderFallbackException)
        {
            return new Reply { DataBase64 = Convert.ToBase64String(bytes) };
        }
    }

    private static readonly System.Text.UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
