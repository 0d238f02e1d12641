namespace PeerNet.Client;

/// <summary>Rates per second at one moment.</summary>
/// <param name="Time">When.</param>
/// <param name="FramesIn">Frames received per second.</param>
/// <param name="FramesOut">Frames sent per second.</param>
/// <param name="BytesIn">Bytes received per second.</param>
/// <param name="BytesOut">Bytes sent per second.</param>
/// <param name="Announces">Announces per second.</param>
/// <param name="Drops">Drops per second.</param>
public sealed record RatePoint(DateTimeOffset Time, double FramesIn, double FramesOut, double BytesIn, double BytesOut, double Announces, double Drops);
