using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PeerNet.Host.Security;

/// <summary>
/// The write rule of the REST API: with <c>PeerNet:ApiKey</c> set, a write needs header <c>X-Api-Key</c> equal to it
/// (compared in constant time); with no key, writes are accepted from loopback clients only.
/// </summary>
internal sealed class WriteAccessHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<PeerNetOptions> peerNetOptions,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "PeerNetWrite";
    public const string HeaderName = "X-Api-Key";

    private readonly byte[]? _keyHash = peerNetOptions.Value.ApiKey is { } key ? Hash(key) : null;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (_keyHash is null)
        {
            return Task.FromResult(IsLoopback(Context.Connection.RemoteIpAddress)
                ? Success("loopback")
                : AuthenticateResult.NoResult());
        }

        if (!Request.Headers.TryGetValue(HeaderName, out var given) || given.Count != 1 || string.IsNullOrEmpty(given[0]))
            return Task.FromResult(AuthenticateResult.NoResult());

        // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
        return Task.FromResult(CryptographicOperations.FixedTimeEquals(Hash(given[0]!), _keyHash)
            ? Success("api-key")
            : AuthenticateResult.Fail("The X-Api-Key header does not match the node's API key."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var detail = _keyHash is null
            ? "This node has no API key (PeerNet:ApiKey), so it accepts writes only from loopback clients. Set an API key to write from elsewhere."
            : Request.Headers.ContainsKey(HeaderName)
                ? "The X-Api-Key header does not match the node's API key."
                : "Writes need the X-Api-Key header with the node's API key.";
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = detail },
        });
    }

    internal static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private AuthenticateResult Success(string how) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.AuthenticationMethod, how)], SchemeName)),
            SchemeName));

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
