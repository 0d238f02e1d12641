namespace PeerNet.Cli.Listening;

/// <summary>What a handler command did with one request.</summary>
/// <param name="Output">Its standard output, at most <see cref="ExecHandler.MaxOutputBytes"/> bytes.</param>
/// <param name="Truncated">True when it printed more than that.</param>
/// <param name="Failure">Why no reply should be sent (a non-zero exit, a timeout, a command that would not start); null on success.</param>
internal sealed record ExecOutcome(byte[] Output, bool Truncated, string? Failure);
