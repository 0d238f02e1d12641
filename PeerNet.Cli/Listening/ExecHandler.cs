using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using PeerNet.Client;

namespace PeerNet.Cli.Listening;

/// <summary>
/// Runs a shell command for one request, as Serf runs its event handlers: the request's data on standard input and in
/// environment variables, its standard output (bounded) the answer. No library runs a child process with a bounded
/// output and a deadline, so this is <see cref="Process"/> by hand.
/// </summary>
internal sealed class ExecHandler(string command, TimeSpan timeout)
{
    /// <summary>A PeerNet payload's largest size: more output than this cannot be sent.</summary>
    public const int MaxOutputBytes = 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public async Task<ExecOutcome> RunAsync(IncomingRequest request, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = StartInfo(request) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new ExecOutcome([], false, $"the shell would not start ({ex.Message})");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var output = ReadBoundedAsync(process.StandardOutput.BaseStream, deadline.Token);
            await WriteInputAsync(process, request.Bytes(), deadline.Token);
            var (bytes, truncated) = await output;
            await process.WaitForExitAsync(deadline.Token);
            return process.ExitCode == 0
                ? new ExecOutcome(bytes, truncated, null)
                : new ExecOutcome(bytes, truncated, $"the command exited with {process.ExitCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            return new ExecOutcome([], false, $"the command ran longer than {timeout.TotalSeconds:0.#} s and was killed");
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
    }

    private ProcessStartInfo StartInfo(IncomingRequest request)
    {
        var windows = OperatingSystem.IsWindows();
        var info = new ProcessStartInfo(windows ? "cmd.exe" : "/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(windows ? "/c" : "-c");
        info.ArgumentList.Add(command);
        info.Environment["PEERNET_ID"] = request.Id;
        info.Environment["PEERNET_TYPE"] = request.Type ?? "";
        info.Environment["PEERNET_DATA"] = request.Data ?? "";
        info.Environment["PEERNET_DATA_BASE64"] = request.DataBase64;
        info.Environment["PEERNET_HOPS"] = request.Hops.ToString(CultureInfo.InvariantCulture);
        info.Environment["PEERNET_LIMIT"] = request.Limit.ToString(CultureInfo.InvariantCulture);
        info.Environment["PEERNET_HANDLE"] = request.Handle;
        return info;
    }

    private static async Task WriteInputAsync(Process process, byte[] data, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(data, cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command exited without reading its input (echo pong): that is its right.
        }
    }

    /// <summary>Keeps the first <see cref="MaxOutputBytes"/> bytes and drains the rest, so a chatty command never blocks on a full pipe.</summary>
    private static async Task<(byte[] Bytes, bool Truncated)> ReadBoundedAsync(Stream output, CancellationToken cancellationToken)
    {
        var kept = new byte[MaxOutputBytes];
        var length = 0;
        var truncated = false;
        var scratch = new byte[4096];
        while (true)
        {
            var read = await output.ReadAsync(scratch, cancellationToken);
            if (read == 0)
                break;
            var take = Math.Min(read, MaxOutputBytes - length);
            scratch.AsSpan(0, take).CopyTo(kept.AsSpan(length));
            length += take;
            truncated |= take < read;
        }
        return (kept[..length], truncated);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
