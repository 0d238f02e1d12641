namespace PeerNet.Cli;

/// <summary>What <c>peernet</c> exits with; scripts branch on these (the README lists them).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The node answered with an error (a problem detail: bad field, unauthorized, not found, conflict, rate limited...).</summary>
    public const int ApiError = 1;

    /// <summary>The command line is wrong (unknown command or option, a missing or malformed value).</summary>
    public const int Usage = 2;

    /// <summary>The node could not be reached (refused, DNS, TLS, timed out before answering).</summary>
    public const int Unreachable = 3;

    /// <summary>Interrupted (Ctrl+C) before the command finished, as shells report SIGINT; <c>listen</c> ends with <see cref="Ok"/> instead.</summary>
    public const int Interrupted = 130;
}
