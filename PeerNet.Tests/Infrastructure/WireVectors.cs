namespace PeerNet.Tests.Infrastructure;

/// <summary>Frames captured from an original peernet 2.0.0 node on the wire (hex), and frames written from the spec.</summary>
internal static class WireVectors
{
    /// <summary>The one WebSocket message an original node sends when it connects: its _hello request and _addrs request.</summary>
    public const string OriginalHelloAndAddrsMessage =
        "26" + "0a24" + "0a0401156dce" + "1000" + "22065f68656c6c6f" + "2a10b384aeb1b0f957ca42d6d6121beb1db7" + "3001"
        + "21" + "0a1f" + "0a043676729f" + "1000" + "22065f6164647273" + "2a0b7b2273697a65223a31307d" + "3001";

    /// <summary>The original's answer to a _hello request with id c0ffee01 (no limit field).</summary>
    public const string OriginalHelloResponse =
        "2a" + "1228" + "0a045d5e8afa" + "1000" + "1a04c0ffee01" + "22065f68656c6c6f" + "2a10be2008c52eb0f55ce2f4276fa6112a37";

    /// <summary>The original's reply "echo:hi" to request aaaa0001 (limit 3): it reuses the request id as the response id.</summary>
    public const string OriginalEchoReply =
        "21" + "121f" + "0a04aaaa0001" + "1000" + "1a04aaaa0001" + "22046563686f" + "2a076563686f3a6869" + "3003";
}
