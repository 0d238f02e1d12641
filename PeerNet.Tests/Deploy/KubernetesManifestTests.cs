using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using PeerNet.Addressing;
using PeerNet.Tests.Infrastructure;

namespace PeerNet.Tests.Deploy;

/// <summary>
/// Every manifest under deploy/kubernetes, loaded strictly as the API server's own types (an unknown or misspelt
/// field fails), and what must agree between them, the Dockerfile and the host: selectors and labels, the headless
/// Service and the pods' stable names in the seed and advertised addresses, ports, probe paths the host answers,
/// the non-root user, writable paths under a read-only root, the API key's Secret.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    // The app user of the .NET images ($APP_UID), which the Dockerfile's USER names.
    private const long AppUid = 1654;

    private static readonly Lazy<IReadOnlyList<(string File, object Object)>> Loaded = new(Load);

    [Fact]
    public void EveryManifest_LoadsStrictly_AsOneStatefulSetWithItsServices()
    {
        Assert.NotEmpty(Loaded.Value);
        Assert.All(Loaded.Value, m => Assert.False(string.IsNullOrEmpty(((IMetadata<V1ObjectMeta>)m.Object).Metadata?.Name), $"an object in {m.File} has no name"));
        Assert.Single(Objects<V1StatefulSet>());
        Assert.Single(Objects<V1Service>(), s => s.Spec.ClusterIP == "None");
        Assert.Contains(Objects<V1Service>(), s => s.Spec.ClusterIP != "None");
    }

    [Fact]
    public void StatefulSet_SelectsItsOwnPods_ThroughTheHeadlessService()
    {
        var set = StatefulSet;
        Assert.Null(set.Spec.Selector.MatchExpressions);
        AssertSelects(set.Spec.Selector.MatchLabels, $"StatefulSet {set.Metadata.Name}'s selector");
        var headless = Assert.Single(Objects<V1Service>(), s => s.Metadata.Name == set.Spec.ServiceName);
        Assert.Equal("None", headless.Spec.ClusterIP);
        Assert.True(set.Spec.Replicas >= 2, "a network needs at least two nodes");
    }

    [Fact]
    public void Services_AndTheDisruptionBudget_SelectThePods_AndServiceTargetsAreContainerPorts()
    {
        foreach (var service in Objects<V1Service>())
        {
            AssertSelects(service.Spec.Selector, $"Service {service.Metadata.Name}");
            Assert.All(service.Spec.Ports, p => Assert.Equal(ContainerPort.ContainerPort, ResolvePort(p.TargetPort ?? p.Port, $"Service {service.Metadata.Name}")));
        }
        foreach (var budget in Objects<V1PodDisruptionBudget>())
            AssertSelects(budget.Spec.Selector.MatchLabels, $"PodDisruptionBudget {budget.Metadata.Name}");
        Assert.Equal(Dockerfile.Load().ExposedPort, ContainerPort.ContainerPort);
    }

    [Fact]
    public async Task Probes_AskPathsTheHostAnswers_OnTheContainersPort()
    {
        var readiness = Container.ReadinessProbe?.HttpGet;
        var liveness = Container.LivenessProbe?.HttpGet;
        Assert.NotNull(readiness);
        Assert.NotNull(liveness);
        // Readiness is the store and engine (/readyz); liveness only the process (/healthz), so a node whose store is
        // briefly unready is taken out of the Service, not restarted.
        Assert.Equal("/readyz", readiness.Path);
        Assert.Equal("/healthz", liveness.Path);
        Assert.Equal(ContainerPort.ContainerPort, ResolvePort(readiness.Port, "the readiness probe"));
        Assert.Equal(ContainerPort.ContainerPort, ResolvePort(liveness.Port, "the liveness probe"));

        using var dir = new TempDirectory();
        await using var node = await TestNode.StartAsync(dir.File("probes.db"));
        foreach (var path in new[] { readiness.Path, liveness.Path })
        {
            using var response = await node.Client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"the host answers {path} with {(int)response.StatusCode}");
        }
    }

    [Fact]
    public void Seeds_NameThePodsStableNames_AndEachPodAdvertisesItsOwn()
    {
        var set = StatefulSet;
        var port = ContainerPort.ContainerPort;
        var seeds = Env.Where(e => e.Name.StartsWith("PeerNet__Seeds__", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(seeds);
        foreach (var seed in seeds)
        {
            var pod = AssertStableAddress(Expand(seed, "peernet-x"), set.Spec.ServiceName, port);
            Assert.Matches($"^{Regex.Escape(set.Metadata.Name)}-\\d+$", pod);
            Assert.InRange(int.Parse(pod[(set.Metadata.Name.Length + 1)..], CultureInfo.InvariantCulture), 0, set.Spec.Replicas!.Value - 1);
        }

        var podName = Assert.Single(Env, e => e.Name == "POD_NAME");
        Assert.Equal("metadata.name", podName.ValueFrom?.FieldRef?.FieldPath);
        var advertise = Assert.Single(Env, e => e.Name == "PeerNet__Advertise__0");
        Assert.Contains("$(POD_NAME)", advertise.Value, StringComparison.Ordinal);
        for (var i = 0; i < set.Spec.Replicas; i++)
        {
            var name = $"{set.Metadata.Name}-{i}";
            Assert.Equal(name, AssertStableAddress(Expand(advertise, name), set.Spec.ServiceName, port));
        }
        // A seed that advertises exactly its seed address knows itself and never dials it.
        var seedPod = AssertStableAddress(Expand(seeds[0], "peernet-x"), set.Spec.ServiceName, port);
        Assert.Equal(Expand(seeds[0], seedPod), Expand(advertise, seedPod));
    }

    [Fact]
    public async Task Environment_IsOneTheHostStartsWith()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var variable in Env.Where(e => e.Name.Contains("__", StringComparison.Ordinal)))
        {
            var value = variable.ValueFrom?.SecretKeyRef is not null ? "a-key-from-the-secret" : Expand(variable, $"{StatefulSet.Metadata.Name}-1");
            settings[variable.Name.Replace("__", ":", StringComparison.Ordinal)] = value;
        }
        await HostSettings.AssertStartsAsync($"StatefulSet {StatefulSet.Metadata.Name}", settings);
    }

    [Fact]
    public void Pods_AnnounceTheirMetricsToPrometheus()
    {
        var annotations = StatefulSet.Spec.Template.Metadata.Annotations;
        Assert.NotNull(annotations);
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);
        Assert.Equal(ContainerPort.ContainerPort, int.Parse(annotations["prometheus.io/port"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Container_RequestsAndLimitsCpuAndMemory()
    {
        var resources = Container.Resources;
        foreach (var kind in new[] { "cpu", "memory" })
        {
            Assert.True(resources?.Requests?.ContainsKey(kind) == true, $"no {kind} request");
            Assert.True(resources.Limits?.ContainsKey(kind) == true, $"no {kind} limit");
            Assert.True(resources.Requests[kind].ToDecimal() <= resources.Limits[kind].ToDecimal(), $"the {kind} request is over its limit");
        }
    }

    [Fact]
    public void Container_RunsAsTheImagesAppUser_WithNoPrivileges_OnAReadOnlyRoot()
    {
        var pod = StatefulSet.Spec.Template.Spec.SecurityContext;
        var container = Container.SecurityContext;
        Assert.NotNull(container);
        // The container's own settings win over the pod's.
        Assert.True(container.RunAsNonRoot ?? pod?.RunAsNonRoot, "runAsNonRoot is not set");
        Assert.Equal(AppUid, container.RunAsUser ?? pod?.RunAsUser);
        Assert.Equal(AppUid, pod?.FsGroup); // the volume is writable by that user
        Assert.False(container.AllowPrivilegeEscalation ?? true, "allowPrivilegeEscalation is not false");
        Assert.True(container.Privileged is null or false);
        Assert.True(container.ReadOnlyRootFilesystem, "readOnlyRootFilesystem is not set");
        Assert.Contains("ALL", container.Capabilities?.Drop ?? []);
        Assert.Null(container.Capabilities?.Add);
    }

    [Fact]
    public void EachPod_KeepsItsDatabaseOnItsOwnClaim_AtTheImagesVolume_AndWritesNothingElseButTmp()
    {
        var spec = StatefulSet.Spec;
        var claims = spec.VolumeClaimTemplates.Select(c => c.Metadata.Name).ToHashSet();
        var volumes = (spec.Template.Spec.Volumes ?? []).Select(v => v.Name).ToHashSet();
        var mounts = Container.VolumeMounts;
        Assert.All(mounts, m => Assert.True(claims.Contains(m.Name) || volumes.Contains(m.Name), $"volume mount {m.Name} names no volume or claim"));

        var data = Assert.Single(mounts, m => m.MountPath == Dockerfile.Load().Volume);
        Assert.Contains(data.Name, claims);
        Assert.True(data.ReadOnlyProperty is null or false);
        var claim = Assert.Single(spec.VolumeClaimTemplates, c => c.Metadata.Name == data.Name);
        Assert.True(claim.Spec.Resources?.Requests?.ContainsKey("storage") == true, $"claim {claim.Metadata.Name} requests no storage");
        // .NET writes its diagnostics sockets to /tmp: with a read-only root it must be a volume.
        var tmp = Assert.Single(mounts, m => m.MountPath == "/tmp");
        Assert.NotNull(Assert.Single(spec.Template.Spec.Volumes!, v => v.Name == tmp.Name).EmptyDir);
    }

    [Fact]
    public void ApiKey_ComesFromTheSecretTheReadmeCreates()
    {
        var key = Assert.Single(Env, e => e.Name == "PeerNet__ApiKey");
        Assert.Null(key.Value);
        var reference = key.ValueFrom?.SecretKeyRef;
        Assert.NotNull(reference);
        Assert.True(reference.Optional is null or false, "a node must not start without its key");
        var readme = DeployFiles.Read("README.md");
        var command = SecretCommandRegex().Match(readme);
        Assert.True(command.Success, "the README shows no 'kubectl create secret generic NAME --from-literal=KEY=...'");
        Assert.Equal(reference.Name, command.Groups["name"].Value);
        Assert.Equal(reference.Key, command.Groups["key"].Value);
    }

    private static V1StatefulSet StatefulSet => Assert.Single(Objects<V1StatefulSet>());

    private static V1Container Container => Assert.Single(StatefulSet.Spec.Template.Spec.Containers);

    private static V1ContainerPort ContainerPort => Assert.Single(Container.Ports);

    private static IList<V1EnvVar> Env => Container.Env ?? [];

    private static IEnumerable<T> Objects<T>() => Loaded.Value.Select(m => m.Object).OfType<T>();

    private static void AssertSelects(IDictionary<string, string>? selector, string who)
    {
        Assert.True(selector is { Count: > 0 }, $"{who} has an empty selector");
        var labels = StatefulSet.Spec.Template.Metadata.Labels ?? new Dictionary<string, string>();
        foreach (var (key, value) in selector)
            Assert.True(labels.TryGetValue(key, out var label) && label == value, $"{who} selects {key}={value}, which the pods do not carry");
    }

    // A port given by name or by number, as the container declares it.
    private static int ResolvePort(IntOrString port, string who)
    {
        if (int.TryParse(port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return number;
        var named = Container.Ports.SingleOrDefault(p => p.Name == port.Value);
        Assert.True(named is not null, $"{who} names port '{port.Value}', which the container does not declare");
        return named.ContainerPort;
    }

    /// <summary>
    /// The value as the kubelet gives it: each <c>$(NAME)</c> of a variable defined earlier in the list replaced
    /// (a later or unknown one is left as written, which is an error here), <c>POD_NAME</c> as <paramref name="podName"/>.
    /// </summary>
    private static string Expand(V1EnvVar variable, string podName)
    {
        Assert.True(variable.Value is not null, $"{variable.Name} has no literal value");
        var earlier = Env.TakeWhile(e => e.Name != variable.Name).ToDictionary(e => e.Name);
        return ReferenceRegex().Replace(variable.Value, m =>
        {
            var name = m.Groups[1].Value;
            Assert.True(earlier.TryGetValue(name, out var referenced), $"{variable.Name} refers to $({name}), which is not defined before it");
            return referenced.ValueFrom?.FieldRef?.FieldPath switch
            {
                "metadata.name" => podName,
                "metadata.namespace" => "default",
                _ => Expand(referenced, podName),
            };
        });
    }

    // ws://POD.SERVICE[.NAMESPACE.svc[.cluster.local]]:PORT/peer, a valid peer address; returns POD.
    private static string AssertStableAddress(string address, string service, int port)
    {
        Assert.True(PeerAddress.TryParse(address, out var parsed, out var error), $"{address}: {error}");
        var match = StableAddressRegex().Match(parsed.Value);
        Assert.True(match.Success, $"{address} is not ws://POD.{service}:{port}/peer (or POD.{service}.NAMESPACE.svc.cluster.local)");
        Assert.Equal(service, match.Groups["service"].Value);
        Assert.Equal(port, int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
        return match.Groups["pod"].Value;
    }

    private static IReadOnlyList<(string File, object Object)> Load()
    {
        var folder = DeployFiles.PathOf("deploy", "kubernetes");
        var files = Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order().ToList();
        Assert.NotEmpty(files);
        var loaded = new List<(string, object)>();
        foreach (var file in files)
        {
            List<object> objects;
            try
            {
                objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{Path.GetFileName(file)} is not a valid Kubernetes manifest: {ex.Message} {ex.InnerException?.Message}", ex);
            }
            Assert.True(objects.Count > 0, $"{Path.GetFileName(file)} holds no object");
            loaded.AddRange(objects.Select(o => (Path.GetFileName(file), o)));
        }
        return loaded;
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex ReferenceRegex();

    [GeneratedRegex(@"^ws://(?<pod>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.(?<service>[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9-]+\.svc(\.cluster\.local)?)?:(?<port>\d+)/peer$")]
    private static partial Regex StableAddressRegex();

    [GeneratedRegex(@"kubectl create secret generic (?<name>[a-z0-9.-]+) --from-literal=(?<key>[-._a-zA-Z0-9]+)=")]
    private static partial Regex SecretCommandRegex();
}
