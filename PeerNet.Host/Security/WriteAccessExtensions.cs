using Microsoft.AspNetCore.Authentication;

namespace PeerNet.Host.Security;

/// <summary>Registers the write rule as an authentication scheme and an authorization policy.</summary>
internal static class WriteAccessExtensions
{
    /// <summary>The policy every POST and DELETE endpoint requires.</summary>
    public const string WritePolicy = "PeerNetWrite";

    public static IServiceCollection AddPeerNetWriteAccess(this IServiceCollection services)
    {
        // Authentication core only: the full AddAuthentication() also brings Data Protection and its key ring,
        // which this API-key rule does not use.
        services.AddAuthenticationCore(o => o.AddScheme<WriteAccessHandler>(WriteAccessHandler.SchemeName, "API key or loopback"));
        services.AddWebEncoders();
        services.AddHostedService<OpenWritesWarning>();
        services.AddOptions<AuthenticationSchemeOptions>(WriteAccessHandler.SchemeName);
        services.AddAuthorizationBuilder()
            .AddPolicy(WritePolicy, policy => policy.AddAuthenticationSchemes(WriteAccessHandler.SchemeName).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Marks an endpoint as a write: API key or loopback, else 401 (403 for a loopback client <see cref="KeylessWriteRule"/> refuses).</summary>
    public static TBuilder RequireWriteAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(WritePolicy).WithMetadata(new ProducesResponseTypeMetadata(
            StatusCodes.Status403Forbidden, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
}
