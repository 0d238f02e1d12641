namespace PeerNet.Protocol;

/// <summary>Features a PeerNet node announces in its _hello extension.</summary>
[Flags]
public enum HelloFeatures : byte
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>Takes the dissemination rule's control frames (only ever sent to peers that set this).</summary>
    ControlFrames = 1,

    /// <summary>Proves its node id: the _hello request carries a public key and a challenge, the answer a signature (Identity.HelloProof).</summary>
    Identity = 2,
}
