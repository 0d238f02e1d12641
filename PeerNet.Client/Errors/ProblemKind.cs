namespace PeerNet.Client;

/// <summary>What a node's error answer means, by the status codes the host uses.</summary>
public enum ProblemKind
{
    /// <summary>Another status code.</summary>
    Other,

    /// <summary>400: a field is invalid; <see cref="PeerNetApiException.Errors"/> names it.</summary>
    BadRequest,

    /// <summary>401: a write without the right <c>X-Api-Key</c>.</summary>
    Unauthorized,

    /// <summary>403: a keyless node refused a write (not loopback, a proxy, another site's page).</summary>
    Forbidden,

    /// <summary>404: unknown address, handle, announce or endpoint.</summary>
    NotFound,

    /// <summary>409: already connected.</summary>
    Conflict,

    /// <summary>429: over a rate limit; <see cref="PeerNetApiException.RetryAfter"/> says when to try again.</summary>
    TooManyRequests,

    /// <summary>502: a dial or handshake failed.</summary>
    BadGateway,

    /// <summary>503: not ready, too many subscribers, or a peer not reading.</summary>
    Unavailable,
}
