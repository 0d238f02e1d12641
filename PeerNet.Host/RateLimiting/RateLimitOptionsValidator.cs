using Microsoft.Extensions.Options;

namespace PeerNet.Host.RateLimiting;

/// <summary>The DataAnnotations rules of <see cref="RateLimitOptions"/>, checked by generated code (no reflection).</summary>
[OptionsValidator]
internal sealed partial class RateLimitOptionsAnnotationsValidator : IValidateOptions<RateLimitOptions>;

/// <summary>Rules across fields; reports every failure at once, naming the keys and values.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        // A bucket smaller than a second's tokens could never grant the configured rate within one second.
        CheckBurst(nameof(RateLimitOptions.WriteBurst), options.WriteBurst, nameof(RateLimitOptions.WritesPerSecond), options.WritesPerSecond, failures);
        CheckBurst(nameof(RateLimitOptions.AnnounceBurst), options.AnnounceBurst, nameof(RateLimitOptions.AnnouncesPerSecond), options.AnnouncesPerSecond, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckBurst(string burstKey, int burst, string rateKey, int rate, List<string> failures)
    {
        if (burst < rate)
            failures.Add($"{RateLimitOptions.SectionName}:{burstKey} = {burst} is below {RateLimitOptions.SectionName}:{rateKey} = {rate}; the burst must hold at least one second's worth.");
    }
}
