using System.Text.Json;
using System.Text.RegularExpressions;

namespace PeerNet.Tests.Deploy;

/// <summary>What the deployment files must agree with in the repository's Dockerfile (its final stage).</summary>
internal sealed partial class Dockerfile
{
    private readonly List<(string Name, string Arguments)> _instructions = [];

    private Dockerfile(string text)
    {
        // Continuation lines joined, comments and blank lines dropped, as Docker reads them.
        var logical = ContinuationRegex().Replace(text, " ");
        foreach (var line in logical.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var space = line.IndexOfAny([' ', '\t']);
            _instructions.Add(space < 0 ? (line.ToUpperInvariant(), "") : (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim()));
        }
    }

    public static Dockerfile Load() => new(DeployFiles.Read("Dockerfile"));

    /// <summary>The final stage's instructions of <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> FinalStage(string name)
    {
        var from = _instructions.FindLastIndex(i => i.Name == "FROM");
        return _instructions.Skip(from + 1).Where(i => i.Name == name).Select(i => i.Arguments).ToList();
    }

    public int ExposedPort => int.Parse(Assert.Single(FinalStage("EXPOSE")).Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);

    public string Volume => Assert.Single(FinalStage("VOLUME"));

    /// <summary>The HEALTHCHECK's command in exec form, without its CMD keyword.</summary>
    public string[] HealthCheckCommand
    {
        get
        {
            var healthCheck = Assert.Single(FinalStage("HEALTHCHECK"));
            var cmd = healthCheck.IndexOf("CMD [", StringComparison.Ordinal);
            Assert.True(cmd >= 0, $"The Dockerfile's HEALTHCHECK is not in exec form: {healthCheck}");
            return JsonSerializer.Deserialize<string[]>(healthCheck[(cmd + 4)..])!;
        }
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex ContinuationRegex();
}
