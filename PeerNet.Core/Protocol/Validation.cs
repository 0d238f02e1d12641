using PeerNet.Protocol.Wire;

namespace PeerNet.Protocol;

/// <summary>A verdict and, unless accepted, why.</summary>
public readonly record struct Validation(Verdict Verdict, string? Reason)
{
    internal static readonly Validation Accepted = new(Verdict.Accept, null);
    internal static readonly Validation Empty = new(Verdict.Ignore, null);
}
