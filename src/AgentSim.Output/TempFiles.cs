namespace AgentSim.Output;

/// <summary>
/// Naming and clean-up of the temporary files behind atomic writes. The temporary file sits in the same directory
/// as the target so the final rename never crosses a file system (and is therefore atomic); the leading dot and the
/// <c>.tmp</c> suffix keep it out of globs such as <c>*.parquet</c> that readers use on a run directory.
/// </summary>
internal static class TempFiles
{
    /// <summary>A fresh temporary path next to <paramref name="finalPath"/>, e.g. <c>.provinces.parquet.k3j9x2qa.tmp</c>.</summary>
    public static string PathFor(string finalPath)
    {
        var directory = Path.GetDirectoryName(finalPath) ?? throw new ArgumentException($"'{finalPath}' has no directory.", nameof(finalPath));
        var random = Path.GetFileNameWithoutExtension(Path.GetRandomFileName());
        return Path.Combine(directory, $".{Path.GetFileName(finalPath)}.{random}.tmp");
    }

    /// <summary>Resolves <paramref name="path"/> to a full path and creates its directory, so callers may name files in a run directory that does not exist yet.</summary>
    public static string PrepareTarget(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        if (Path.EndsInDirectorySeparator(fullPath))
        {
            throw new ArgumentException($"'{path}' names a directory, not a file.", nameof(path));
        }
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        return fullPath;
    }

    /// <summary>Opens a new temporary file for writing; fails rather than overwrite if the random name is somehow taken.</summary>
    public static FileStream Create(string tempPath) => new(tempPath, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        BufferSize = 1 << 16,
        Options = FileOptions.Asynchronous,
    });

    /// <summary>
    /// Flushes <paramref name="stream"/> through the OS cache to the device, closes it and renames it over
    /// <paramref name="finalPath"/>. The fsync comes before the rename so that after a crash the final name holds
    /// either the previous complete file or the new complete file, never a truncated one.
    /// </summary>
    public static async Task CommitAsync(FileStream stream, string tempPath, string finalPath, CancellationToken ct)
    {
        await stream.FlushAsync(ct).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
        await stream.DisposeAsync().ConfigureAwait(false);
        File.Move(tempPath, finalPath, overwrite: true);
    }

    /// <summary>Best-effort removal used on failure paths, where the original exception matters more than a clean-up error.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
