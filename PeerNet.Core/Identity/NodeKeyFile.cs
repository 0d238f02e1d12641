using PeerNet.Storage;

namespace PeerNet.Identity;

/// <summary>
/// Where the node keeps its key and how: <see cref="PeerNetOptions.IdentityKeyFile"/>, else <c>&lt;database
/// folder&gt;/&lt;database name&gt;.key</c> (data/peernet.key by default), so two nodes with two databases have two keys.
/// Created at the first start (PKCS#8 PEM, owner-only where the OS allows, written to a temporary file and moved into
/// place, so a crash never leaves half a key); reused after. An unreadable or corrupt file stops the start: replacing
/// it would silently change the node's id.
/// </summary>
public static class NodeKeyFile
{
    /// <summary>The key file of a node; null for an in-memory database without <see cref="PeerNetOptions.IdentityKeyFile"/> (a fresh key each start).</summary>
    public static string? PathFor(PeerNetOptions options, StoreLocation store, string baseDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.IdentityKeyFile))
            return Path.GetFullPath(Path.Combine(baseDirectory, options.IdentityKeyFile));
        if (store.FilePath is not { } db)
            return null;
        return Path.Combine(Path.GetDirectoryName(db) ?? baseDirectory, Path.GetFileNameWithoutExtension(db) + ".key");
    }

    /// <summary>Loads the key at <paramref name="path"/>, creating it when the file does not exist; a fresh key when <paramref name="path"/> is null.</summary>
    /// <exception cref="InvalidOperationException">The file exists but cannot be read or holds no Ed25519 private key.</exception>
    public static NodeKey LoadOrCreate(string? path)
    {
        if (path is null)
            return NodeKey.Create();
        if (File.Exists(path))
            return Load(path);
        var key = NodeKey.Create();
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } folder)
                Directory.CreateDirectory(folder);
            WriteNew(path, key.ExportPem());
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (a second host on the same data folder) created it first: use that one.
            key.Dispose();
            return Load(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            key.Dispose();
            throw new InvalidOperationException($"PeerNet cannot create its identity key file {path}: {ex.Message}", ex);
        }
    }

    private static NodeKey Load(string path)
    {
        byte[] pem;
        try
        {
            pem = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"PeerNet cannot read its identity key file {path}: {ex.Message}", ex);
        }
        if (!NodeKey.TryImportPem(pem, out var key))
            throw new InvalidOperationException(
                $"PeerNet's identity key file {path} holds no Ed25519 private key (PKCS#8 PEM). It is not replaced, since a new key is a new node id: restore the file, or delete it to start as a new node.");
        return key!;
    }

    /// <summary>Writes a new file atomically: a temporary file in the same folder (owner-only from its creation), flushed, then moved into place unless one exists.</summary>
    private static void WriteNew(string path, byte[] content)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: false);
        }
        finally
        {
            File.Delete(temporary); // gone already after the move; left only when the write or move failed
        }
    }
}
