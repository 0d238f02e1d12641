namespace PeerNet.Peers;

/// <summary>
/// An exception's messages with its inner exceptions', outermost first: a failed wss dial says only "Unable to connect
/// to the remote server" on the outside, while why (an untrusted certificate, a refused port) is further in.
/// </summary>
internal static class FailureText
{
    public static string Of(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null && parts.Count < 4; current = current.InnerException)
        {
            var message = current.Message.Replace(", see inner exception", "", StringComparison.Ordinal).TrimEnd('.', ' ');
            if (message.Length > 0 && !parts.Contains(message))
                parts.Add(message);
        }
        return string.Join(": ", parts);
    }
}
