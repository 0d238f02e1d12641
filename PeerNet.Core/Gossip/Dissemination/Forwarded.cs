using PeerNet.Protocol.Wire;

namespace PeerNet.Gossip.Dissemination;

/// <summary>The request a node forwards: what the original keeps (id, type, data, limit), one hop further.</summary>
internal static class Forwarded
{
    public static Announce Of(Announce request)
    {
        var copy = new Announce { Id = request.Id, Hops = request.Hops + 1, Limit = request.Limit }; // limit always written
        if (request.HasType)
            copy.Type = request.Type;
        if (request.HasData)
            copy.Data = request.Data;
        if (request.Report)
            copy.Report = true; // PeerNet's delivery-report flag travels on between PeerNet nodes
        if (request.HasSigner)
        {
            // The origin's signature travels unchanged (the router verified it); hops is not signed. An absent limit
            // signs as 0, so writing it here keeps the signature valid.
            copy.Signer = request.Signer;
            copy.Signature = request.Signature;
        }
        return copy;
    }
}
