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
/// (compared in constant time); with no key, writes are accepted only as <see cref="KeylessWriteRule"/> allows:
/// from loopback clients that address the node as loopback and are not a browser on another site's page.
/// </summary>
internal sealed partial class WriteAccessHandler(
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
    private KeylessVerdict _keyless;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (_keyHash is null)
        {
            _keyless = KeylessWriteRule.Check(Context.Connection.RemoteIpAddress, Request.Headers.Host, Request.Headers.Origin, Request.Headers["Sec-Fetch-Site"],
                proxied: Request.Headers.ContainsKey("X-Forwarded-For") || Request.Headers.ContainsKey("Forwarded") || Request.Headers.ContainsKey("Via"));
            // Runs for every request (the only scheme is the default): refusals are logged when a write is challenged.
            return Task.FromResult(_keyless == KeylessVerdict.Allowed ? Success("loopback") : AuthenticateResult.NoResult());
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
        // A loopback client refused for what its request says (Host, Origin) is forbidden, not unauthenticated: no
        // credential it could add would change the answer on a node without a key.
        var (status, title, detail) = _keyless switch
        {
            KeylessVerdict.ForeignHost => (StatusCodes.Status403Forbidden, "Forbidden",
                $"This node has no API key, so it accepts writes only from loopback clients that address it as localhost or a loopback IP; " +
                $"this request's Host is '{Shorten(Request.Headers.Host)}' (a rebound DNS name or a proxy). Set PeerNet:ApiKey to write through a name."),
            KeylessVerdict.CrossSite => (StatusCodes.Status403Forbidden, "Forbidden",
                "This node has no API key, and a browser sent this write from another site's page (Origin or Sec-Fetch-Site): refused " +
                "against cross-site request forgery. Scripts send neither header; or set PeerNet:ApiKey."),
            KeylessVerdict.Proxied => (StatusCodes.Status403Forbidden, "Forbidden",
                "This node has no API key, so it accepts writes only from loopback clients; this request came through a proxy " +
                "(X-Forwarded-For, Forwarded or Via), so its client is elsewhere. Set PeerNet:ApiKey to write through a proxy."),
            _ when _keyHash is null => (StatusCodes.Status401Unauthorized, "Unauthorized",
                "This node has no API key (PeerNet:ApiKey), so it accepts writes only from loopback clients. Set an API key to write from elsewhere."),
            _ => (StatusCodes.Status401Unauthorized, "Unauthorized", Request.Headers.ContainsKey(HeaderName)
                ? "The X-Api-Key header does not match the node's API key."
                : "Writes need the X-Api-Key header with the node's API key."),
        };
        Log.WriteRefused(Logger, status, _keyHash is null ? _keyless.ToString() : "ApiKey", Request.Method, Request.Path,
            Context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        Response.StatusCode = status;
        await Errors.ProblemResponse.WriteAsync(problemDetails, new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Shorten(string? value) =>
        value is null ? "" : value.Length <= 100 ? value : value[..100] + "...";

    internal static bool IsLoopback(IPAddress? address) => KeylessWriteRule.IsLoopback(address);

    private AuthenticateResult Success(string how) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.AuthenticationMethod, how)], SchemeName)),
            SchemeName));

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    private static partial class Log
    {
        // Next free event id: 1202.
        [LoggerMessage(1201, LogLevel.Debug, "Write refused with {Status} ({Rule}): {Method} {Path} from {Client}")]
        public static partial void WriteRefused(ILogger logger, int status, string rule, string method, PathString path, string client);
    }
}
