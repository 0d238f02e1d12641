using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PeerNet.Tests.Infrastructure;

/// <summary>
/// A self-signed TLS server certificate made by the test, for 127.0.0.1 only (no DNS name), written as a PFX with its
/// key (what Kestrel's <c>Certificate:Path</c> takes) and as a PEM certificate (what a dialling node trusts).
/// </summary>
public sealed class TestCertificate
{
    public const string Password = "test-only";

    private TestCertificate(string pfxFile, string pemFile)
    {
        PfxFile = pfxFile;
        PemFile = pemFile;
    }

    public string PfxFile { get; }

    public string PemFile { get; }

    public static TestCertificate Create(TempDirectory dir, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var pfx = dir.File($"{name}.pfx");
        var pem = dir.File($"{name}.pem");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, Password));
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        return new TestCertificate(pfx, pem);
    }

    /// <summary>Settings for a Kestrel endpoint named Https on 127.0.0.1 (an OS-chosen port) serving this certificate.</summary>
    public Dictionary<string, string?> KestrelEndpoint() => new()
    {
        ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
        ["Kestrel:Endpoints:Https:Certificate:Path"] = PfxFile,
        ["Kestrel:Endpoints:Https:Certificate:Password"] = Password,
    };
}
