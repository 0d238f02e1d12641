using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PeerNet.Configuration;

/// <summary>The DataAnnotations rules of <see cref="PeerNetOptions"/>, checked by generated code (no reflection).</summary>
[OptionsValidator]
internal sealed partial class PeerNetOptionsAnnotationsValidator : IValidateOptions<PeerNetOptions>;

/// <summary>Rules DataAnnotations cannot express; reports every failure at once, naming the key and value.</summary>
internal sealed class PeerNetOptionsValidator(IServiceProvider services) : IValidateOptions<PeerNetOptions>
{
    public ValidateOptionsResult Validate(string? name, PeerNetOptions options)
    {
        // Resolved here, not injected: the transports behind the rules take these options themselves.
        var schemes = services.GetRequiredService<Addressing.AddressRules>().Schemes;
        var failures = new List<string>();
        CheckSeeds(options.Seeds, schemes, failures);
        CheckAddresses(nameof(PeerNetOptions.Advertise), options.Advertise, schemes, failures);
        CheckCertificates(options.TrustedCertificates, failures);

        if (options.ApiKey is { } key && string.IsNullOrWhiteSpace(key))
            failures.Add($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.ApiKey)} is blank; remove it or set a real key.");
        if (options.MetricsKey is { } metricsKey && string.IsNullOrWhiteSpace(metricsKey))
            failures.Add($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.MetricsKey)} is blank; remove it or set a real key.");

        if (options.IdentityKeyFile is { } keyFile && (string.IsNullOrWhiteSpace(keyFile) || keyFile.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || keyFile.EndsWith('/') || keyFile.EndsWith('\\')))
            failures.Add($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.IdentityKeyFile)} = '{keyFile}' is not a file name; remove it (the key goes next to the database) or name a file.");

        if (options.RemovedTtl < TimeSpan.Zero || options.RemovedTtl > TimeSpan.FromDays(3650))
            failures.Add($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.RemovedTtl)} = {options.RemovedTtl} must be between 00:00:00 and 3650 days.");

        CheckDuration(nameof(PeerNetOptions.PurgedTtl), options.PurgedTtl, TimeSpan.FromDays(3650), failures);
        CheckDuration(nameof(PeerNetOptions.PurgeFailingFor), options.PurgeFailingFor, TimeSpan.FromDays(365), failures);
        if (options.RelayedRequestRate < options.OriginRequestRate)
            failures.Add($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.RelayedRequestRate)} = {options.RelayedRequestRate} must be at least {nameof(PeerNetOptions.OriginRequestRate)} ({options.OriginRequestRate}): a relay passes on what its peers originate.");

        if (options.TopicLookupBurst < options.TopicLookupRate)
            failures.Add($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.TopicLookupBurst)} = {options.TopicLookupBurst} must be at least {nameof(PeerNetOptions.TopicLookupRate)} ({options.TopicLookupRate}): the bucket holds one second's lookups.");
        if (options.TopicMembersPerTopic > options.TopicRegistrations)
            failures.Add($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.TopicMembersPerTopic)} = {options.TopicMembersPerTopic} must be at most {nameof(PeerNetOptions.TopicRegistrations)} ({options.TopicRegistrations}).");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckDuration(string key, TimeSpan value, TimeSpan max, List<string> failures)
    {
        if (value < TimeSpan.Zero || value > max)
            failures.Add($"{PeerNetOptions.SectionName}:{key} = {value} must be between 00:00:00 and {max.TotalDays:0} days.");
    }

    private static void CheckCertificates(List<string>? files, List<string> failures)
    {
        for (var i = 0; i < (files?.Count ?? 0); i++)
        {
            try
            {
                Transport.TlsTrust.LoadFile(files![i]);
            }
            catch (InvalidDataException ex)
            {
                failures.Add($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.TrustedCertificates)}:{i}: {ex.Message}");
            }
        }
    }

    private static void CheckSeeds(List<string>? seeds, IReadOnlySet<string> schemes, List<string> failures)
    {
        if (seeds is null)
            return;
        for (var i = 0; i < seeds.Count; i++)
        {
            if (!Gossip.Seeds.SeedSpec.TryParse(seeds[i], schemes, out _, out var error))
                failures.Add($"{PeerNetOptions.SectionName}:{nameof(PeerNetOptions.Seeds)}:{i} = '{Addressing.PeerAddress.Shorten(seeds[i])}' is not a valid seed: {error}.");
        }
    }

    private static void CheckAddresses(string key, List<string>? addresses, IReadOnlySet<string> schemes, List<string> failures)
    {
        if (addresses is null)
            return;
        for (var i = 0; i < addresses.Count; i++)
        {
            if (!Addressing.PeerAddress.TryParse(addresses[i], schemes, out _, out var error))
                failures.Add($"{PeerNetOptions.SectionName}:{key}:{i} = '{Addressing.PeerAddress.Shorten(addresses[i])}' is not a valid peer address: {error}.");
        }
    }
}
