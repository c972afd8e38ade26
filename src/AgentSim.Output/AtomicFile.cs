using System.Text;

namespace AgentSim.Output;

/// <summary>
/// Whole-file writes that never leave a half-written file under the target name: write a temporary file in the
/// same directory, fsync it, then rename it over the target. A reader (or a crash) sees the old contents or the
/// new, nothing in between. Used for manifests, which are rewritten as a run progresses.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="contents"/> as UTF-8 without BOM (its directory is created if needed).</summary>
    public static Task WriteAllTextAsync(string path, string contents, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(contents);
        return WriteAllBytesAsync(path, Utf8NoBom.GetBytes(contents), ct);
    }

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="bytes"/> (its directory is created if needed).</summary>
    public static async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        var fullPath = TempFiles.PrepareTarget(path);
        var tempPath = TempFiles.PathFor(fullPath);
        var stream = TempFiles.Create(tempPath);
        try
        {
            await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
            await TempFiles.CommitAsync(stream, tempPath, fullPath, ct).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            TempFiles.TryDelete(tempPath);
            throw;
        }
    }
}
