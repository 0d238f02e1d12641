namespace PeerNet.Fuzz.Targets;

/// <summary>A check of a target failed: the code under test misbehaved without throwing (a crash to AFL).</summary>
public sealed class FuzzFailure(string message) : Exception(message);
