namespace AgentSim.Output;

/// <summary>Resolves HEAD to a commit id by reading git's files directly; see <see cref="Manifest.TryGetGitCommit"/>.</summary>
internal static class GitHead
{
    private const string RefPrefix = "ref:";
    private const int MaxSymbolicDepth = 5;

    public static string? TryRead(string startDirectory)
    {
        try
        {
            var gitDir = FindGitDir(startDirectory);
            return gitDir is null ? null : ResolveHead(gitDir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Walks up to the nearest <c>.git</c>; a <c>.git</c> file (worktree, submodule) points to the real directory.</summary>
    private static string? FindGitDir(string startDirectory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(startDirectory)); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
            if (File.Exists(candidate))
            {
                var line = FirstLine(candidate);
                const string prefix = "gitdir:";
                if (line is null || !line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return null;
                }
                var target = line[prefix.Length..].Trim();
                return Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(dir.FullName, target));
            }
        }
        return null;
    }

    /// <summary>
    /// Follows HEAD. Branch refs of a worktree live in the shared "common" directory named by its <c>commondir</c>
    /// file, so each ref is looked up in the worktree's own directory first, then in the common one, loose before packed.
    /// </summary>
    private static string? ResolveHead(string gitDir)
    {
        var commonDir = gitDir;
        var commonDirFile = Path.Combine(gitDir, "commondir");
        if (File.Exists(commonDirFile) && FirstLine(commonDirFile) is { Length: > 0 } common)
        {
            commonDir = Path.GetFullPath(Path.IsPathRooted(common) ? common : Path.Combine(gitDir, common));
        }

        var value = FirstLine(Path.Combine(gitDir, "HEAD"));
        for (var depth = 0; depth < MaxSymbolicDepth && value is not null; depth++)
        {
            if (!value.StartsWith(RefPrefix, StringComparison.Ordinal))
            {
                return IsObjectId(value) ? value.ToLowerInvariant() : null;
            }
            var refName = value[RefPrefix.Length..].Trim();
            value = ReadLooseRef(gitDir, refName) ?? ReadLooseRef(commonDir, refName) ?? ReadPackedRef(commonDir, refName);
        }
        return null;
    }

    private static string? ReadLooseRef(string dir, string refName)
    {
        var path = Path.Combine(dir, refName.Replace('/', Path.DirectorySeparatorChar));
        return File.Exists(path) ? FirstLine(path) : null;
    }

    /// <summary>Looks <paramref name="refName"/> up in <c>packed-refs</c>: lines "&lt;id&gt; &lt;ref&gt;", with "#" headers and "^" peeled-tag lines skipped.</summary>
    private static string? ReadPackedRef(string dir, string refName)
    {
        var path = Path.Combine(dir, "packed-refs");
        if (!File.Exists(path))
        {
            return null;
        }
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#' || line[0] == '^')
            {
                continue;
            }
            var space = line.IndexOf(' ');
            if (space > 0 && line.AsSpan(space + 1).Trim().SequenceEqual(refName))
            {
                return line[..space];
            }
        }
        return null;
    }

    private static string? FirstLine(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine()?.Trim();
    }

    /// <summary>SHA-1 (40) or SHA-256 (64) hex object id.</summary>
    private static bool IsObjectId(string value)
    {
        if (value.Length != 40 && value.Length != 64)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
