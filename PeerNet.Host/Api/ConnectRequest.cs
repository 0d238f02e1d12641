using Microsoft.AspNetCore.Mvc;
using PeerNet.Addressing;
using PeerNet.Host.Security;
using PeerNet.Peers;
using PeerNet.Protocol;
using static PeerNet.Host.Api.FieldProblems;

namespace PeerNet.Host.Api;

/// <summary>A peer to dial.</summary>
public sealed record ConnectRequest
{
    /// <summary>The address: ws://, wss:// or tcp://.</summary>
    /// <example>ws://10.1.2.3:8080/peer</example>
    public string? Address { get; init; }
}
