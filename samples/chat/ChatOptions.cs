namespace PeerNet.Samples.Chat;

/// <summary>One chat instance's settings; every bound it has is here.</summary>
public sealed record ChatOptions
{
    /// <summary>The REST URL of this instance's local PeerNet node.</summary>
    public Uri Node { get; init; } = new("http://localhost:5000");

    /// <summary>The API key of the node, when it has one (topics are writes).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The name shown before this instance's lines.</summary>
    public string Name { get; init; } = Environment.UserName;

    /// <summary>The topic the instances meet in.</summary>
    public string Topic { get; init; } = "chat";

    /// <summary>The loopback port to listen on (0: any free one).</summary>
    public int Port { get; init; }

    /// <summary>Most peers dialled, and most accepted: a topic can name many more.</summary>
    public int MaxPeers { get; init; } = 32;

    /// <summary>Longest line sent or received, in UTF-8 bytes: a longer typed line is cut, a longer received one drops its sender.</summary>
    public int MaxLineBytes { get; init; } = 1024;

    /// <summary>How long the membership lasts without renewal (renewed at half of it).</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the topic is looked up again, so late joiners are found.</summary>
    public TimeSpan FindEvery { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one lookup waits for members.</summary>
    public TimeSpan FindTimeout { get; init; } = TimeSpan.FromSeconds(1);
}
