using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace PeerNet.Addressing;

/// <summary>
/// A validated, normalized peer address: the one place where address rules live.
/// </summary>
/// <remarks>
/// Rules (also stated in the README):
/// <list type="bullet">
/// <item>schemes <c>ws</c>, <c>wss</c> and <c>tcp</c> only, with a host; <c>tcp</c> needs an explicit port;</item>
/// <item>at most <see cref="MaxLength"/> characters, before and after normalization;</item>
/// <item>no user info, no fragment, no white space or control characters; port 1-65535;</item>
/// <item><c>tcp</c> addresses have no path (other than <c>/</c>) and no query.</item>
/// </list>
/// Normalization: scheme and host lower-cased, international host names in punycode, IPv4 and IPv6
/// literals in canonical form, default ports (80 for ws, 443 for wss) dropped, dot segments resolved,
/// unreserved percent-escapes decoded, and a root path <c>/</c> dropped. So <c>WS://Host:80/</c> and
/// <c>ws://host</c> are the same address, stored once.
/// </remarks>
public sealed class PeerAddress : IEquatable<PeerAddress>
{
    /// <summary>The longest address accepted, in characters.</summary>
    public const int MaxLength = 255;

    /// <summary>The schemes every node accepts. Registering an <c>IPeerTransport</c> adds its schemes (see <see cref="AddressRules"/>).</summary>
    public static readonly IReadOnlySet<string> BuiltInSchemes = new HashSet<string>(["ws", "wss", "tcp"], StringComparer.Ordinal);

    private string? _key;
    private long? _ring;

    private PeerAddress(string value, string scheme, string host, int port)
    {
        Value = value;
        Scheme = scheme;
        Host = host;
        Port = port;
    }

    /// <summary>The normalized address text: what is stored, dialled and gossiped.</summary>
    public string Value { get; }

    /// <summary><c>ws</c>, <c>wss</c> or <c>tcp</c>.</summary>
    public string Scheme { get; }

    /// <summary>The host as written in <see cref="Value"/> (IPv6 literals in brackets).</summary>
    public string Host { get; }

    /// <summary>The port, default ports included (80 for ws, 443 for wss).</summary>
    public int Port { get; }

    /// <summary>The store key: lowercase hex SHA-512 of <see cref="Value"/>, as the original keys its database.</summary>
    public string Key => _key ??= ComputeKey(Value);

    /// <summary>
    /// This address's position on the hash ring: the leading 64 bits of <see cref="Key"/>, with the top bit flipped
    /// so that signed order (SQLite's INTEGER order) is the same as the hex key's order.
    /// </summary>
    public long RingPosition => _ring ??= RingFromKeyPrefix(Key);

    /// <summary>The ring position of a hex key or of its first 16 hex characters.</summary>
    public static long RingFromKeyPrefix(ReadOnlySpan<char> hex) =>
        (long)(ulong.Parse(hex[..16], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture) ^ 0x8000_0000_0000_0000UL);

    /// <summary>The 16 hex characters (a key prefix) of a ring position.</summary>
    public static string RingToKeyPrefix(long ring) => ((ulong)ring ^ 0x8000_0000_0000_0000UL).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses and normalizes an address with a built-in scheme, or says why it is not one.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out PeerAddress? address,
        [NotNullWhen(false)] out string? error) =>
        TryParse(text, BuiltInSchemes, out address, out error);

    /// <summary>Parses and normalizes an address whose scheme is one of <paramref name="schemes"/>, or says why it is not one.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        IReadOnlySet<string> schemes,
        [NotNullWhen(true)] out PeerAddress? address,
        [NotNullWhen(false)] out string? error)
    {
        address = null;
        error = Check(text, schemes, out var uri);
        if (error is not null)
            return false;

        var scheme = uri!.Scheme; // Uri lower-cases the scheme
        string host;
        try
        {
            host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost.ToLowerInvariant();
        }
        catch (UriFormatException)
        {
            error = "host is not a valid international domain name";
            return false;
        }
        var explicitPort = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var path = uri.AbsolutePath == "/" ? "" : uri.AbsolutePath;
        var value = $"{scheme}://{host}{explicitPort}{path}{uri.Query}";
        if (value.Length > MaxLength)
        {
            error = $"normalized address is longer than {MaxLength} characters";
            return false;
        }

        address = new PeerAddress(value, scheme, host, uri.Port);
        return true;
    }

    /// <summary>Parses and normalizes an address (built-in schemes unless <paramref name="schemes"/> says otherwise).</summary>
    /// <exception cref="FormatException">The text is not a valid peer address; the message says why.</exception>
    public static PeerAddress Parse(string text, IReadOnlySet<string>? schemes = null)
    {
        if (!TryParse(text, schemes ?? BuiltInSchemes, out var address, out var error))
            throw new FormatException($"'{Shorten(text)}' is not a valid peer address: {error}.");
        return address;
    }

    /// <summary>
    /// This address without its query (learned addresses lose it: a query an attacker chose would be sent to whatever
    /// the address names, and each query would be another alias of one endpoint). The path stays: original nodes
    /// listen on any path.
    /// </summary>
    public PeerAddress WithoutQuery()
    {
        var query = Value.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? this : new PeerAddress(Value[..query], Scheme, Host, Port);
    }

    /// <summary>Computes the store key of an already normalized address.</summary>
    public static string ComputeKey(string normalizedAddress)
    {
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(normalizedAddress.Length);
        Span<byte> utf8 = maxBytes <= 1024 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(normalizedAddress, utf8);
        SHA512.HashData(utf8[..length], hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Cuts an untrusted string down for an error message.</summary>
    public static string Shorten(string? text) =>
        text is null ? "(null)" : text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");

    private static string? Check(string? text, IReadOnlySet<string> schemes, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(text))
            return "address is empty";
        if (text.Length > MaxLength)
            return $"address is longer than {MaxLength} characters";
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                return "address contains white space or control characters";
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out uri) || !text.Contains("://", StringComparison.Ordinal))
            return "not an absolute URL (expected ws://host:port/path, wss://... or tcp://host:port)";
        if (!schemes.Contains(uri.Scheme))
            return $"scheme '{uri.Scheme}' is not supported (use {string.Join(", ", schemes.Order(StringComparer.Ordinal))})";
        if (string.IsNullOrEmpty(uri.Host))
            return "address has no host";
        if (uri.UserInfo.Length > 0)
            return "user info (user:password@) is not allowed";
        if (uri.Fragment.Length > 0)
            return "fragments (#...) are not allowed";
        if (uri.Scheme == "tcp")
        {
            if (uri.Port <= 0)
                return "tcp addresses need a port (tcp://host:port)";
            if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
                return "tcp addresses have no path or query";
        }

        if (uri.Port is 0 or > 65535)
            return "port must be between 1 and 65535";
        return null;
    }

    /// <inheritdoc />
    public bool Equals(PeerAddress? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PeerAddress);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
