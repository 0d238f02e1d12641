using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PeerNet.Transport;

/// <summary>
/// The certificates <c>wss://</c> dials trust besides the system's (<see cref="PeerNetOptions.TrustedCertificates"/>):
/// a private CA, or a peer's self-signed certificate. They are extra trust roots, not a bypass: the host name must
/// still match the certificate, and a chain that ends nowhere among them and the system's roots is still refused.
/// </summary>
public sealed class TlsTrust
{
    private readonly X509Certificate2Collection _roots;

    private TlsTrust(X509Certificate2Collection roots) => _roots = roots;

    /// <summary>No extra roots: the system's validation alone.</summary>
    public static TlsTrust System { get; } = new([]);

    /// <summary>True when certificates besides the system's are trusted.</summary>
    public bool HasExtraRoots => _roots.Count > 0;

    /// <summary>Loads every file (PEM, one or more certificates, or DER); throws with the file named when one cannot be read.</summary>
    public static TlsTrust Load(IEnumerable<string> files)
    {
        var roots = new X509Certificate2Collection();
        foreach (var file in files)
            roots.AddRange(LoadFile(file));
        return roots.Count == 0 ? System : new TlsTrust(roots);
    }

    /// <summary>The certificates in <paramref name="file"/>: a PEM bundle or one DER certificate.</summary>
    public static X509Certificate2Collection LoadFile(string file)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            var text = File.ReadAllText(file);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                collection.ImportFromPem(text);
            else
                collection.Add(X509CertificateLoader.LoadCertificateFromFile(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidDataException($"'{file}' holds no readable certificate: {ex.Message}", ex);
        }
        if (collection.Count == 0)
            throw new InvalidDataException($"'{file}' holds no certificate.");
        return collection;
    }

    /// <summary>
    /// TLS validation for a dial: what the system accepts, or a chain that the system refused only for its root and
    /// that builds to one of the extra roots.
    /// </summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
            return true;
        // A missing certificate or a name that does not match is never rescued by extra roots.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || _roots.Count == 0)
            return false;

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        // A private CA or a self-signed peer publishes no revocation list to ask.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
            foreach (var element in chain.ChainElements)
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }
}
